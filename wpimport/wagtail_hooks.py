from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from wpimport.services import IMPORT_ACTION


@hooks.register("register_log_actions")
def register_import_action(actions):
    # Shown in page history: the revision came from a WordPress export, not from an editor.
    actions.register_action(IMPORT_ACTION, _("Import WordPress"), _("Importé depuis WordPress"))
