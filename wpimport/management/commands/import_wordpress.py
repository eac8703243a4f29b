"""`manage.py import_wordpress EXPORT.xml`: bring a WordPress newsroom's archive into Kiosque."""

import csv
import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from cms.logging import quiet_loggers
from home.models import HomePage
from news.models import SectionPage, Topic
from wpimport.parser import ExportError, scan
from wpimport.services import Importer, Options, Report

# Per-page INFO lines from Wagtail would bury the progress bar.
CHATTY_LOGGERS = ("wagtail", "django_tasks")
KIND_ALIASES = {
    **{kind.value: kind.value for kind in Topic.Kind},
    **{str(kind.label).casefold(): kind.value for kind in Topic.Kind},
    "theme": Topic.Kind.THEME.value, "personne": "person", "lieu": "place",
}  # fmt: skip
SHOWN_LINES = 40


def read_pairs(path: str, what: str) -> list[tuple[str, str]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = [row for row in csv.reader(handle) if row and any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CommandError(f"{what} : lecture impossible ({exc})") from exc
    pairs = []
    for number, row in enumerate(rows, start=1):
        if len(row) != 2 or not row[0].strip() or not row[1].strip():
            raise CommandError(f"{what}, ligne {number} : deux colonnes attendues (slug,valeur).")
        pairs.append((row[0].strip(), row[1].strip()))
    return pairs


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR) with its uploads: articles, rubriques, topics, authors, "
        "images and redirects from the old URLs. Running it again updates what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="WXR file exported by WordPress (Outils > Exporter).")
        parser.add_argument("--media", help="Copy of wp-content/uploads; nothing is downloaded.")
        parser.add_argument("--dry-run", action="store_true", help="Report only; write nothing.")
        parser.add_argument("--section-map", help="CSV: WordPress category slug,rubrique slug.")
        parser.add_argument("--topic-kinds", help="CSV: tag slug,kind (person, organisation, "
                            "place, theme).")  # fmt: skip
        parser.add_argument("--as-drafts", action="store_true", help="Import all as drafts.")
        parser.add_argument("--report", help="Also write the report as JSON to this file.")

    def handle(self, *args, **options):
        started = time.monotonic()
        home = self.home()
        opts = Options(
            media_dir=self.media_dir(options["media"]),
            dry_run=options["dry_run"],
            as_drafts=options["as_drafts"],
            section_map=self.section_map(options["section_map"], home),
            topic_kinds=self.topic_kinds(options["topic_kinds"]),
        )
        self.stdout.write(f"Lecture de {options['export']}…")
        try:
            index = scan(options["export"])
        except ExportError as exc:
            raise CommandError(f"Import annulé, rien n'a été écrit. {exc}") from exc
        report = Report(export=str(options["export"]), site_url=index.site_url,
                        dry_run=opts.dry_run)  # fmt: skip
        importer = Importer(index, opts, home, report)
        with quiet_loggers(CHATTY_LOGGERS if options["verbosity"] < 2 else ()):
            try:
                importer.run(options["export"], progress=self.progress)
            except ExportError as exc:  # the file changed between the two passes
                raise CommandError(f"Import interrompu : {exc}") from exc
        self.stdout.write("")
        self.print_report(report, time.monotonic() - started)
        if options["report"]:
            Path(options["report"]).write_text(
                json.dumps(report.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
            )
            self.stdout.write(f"Rapport JSON : {options['report']}")

    def home(self):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        root = site.root_page.specific if site else None
        if not isinstance(root, HomePage):
            raise CommandError("Aucun site par défaut avec une page d'accueil : créez-la d'abord.")
        return root

    def media_dir(self, value):
        if not value:
            return None
        path = Path(value)
        if not path.is_dir():
            raise CommandError(f"--media : {value} n'est pas un dossier.")
        return path

    def section_map(self, path, home) -> dict:
        if not path:
            return {}
        pairs = read_pairs(path, "--section-map")
        known = set(SectionPage.objects.child_of(home).values_list("slug", flat=True))
        unknown = sorted({target for _, target in pairs if target not in known})
        if unknown:
            raise CommandError(f"--section-map : rubriques inconnues : {', '.join(unknown)}")
        return dict(pairs)

    def topic_kinds(self, path) -> dict:
        if not path:
            return {}
        kinds = {}
        for slug, kind in read_pairs(path, "--topic-kinds"):
            value = KIND_ALIASES.get(kind.casefold())
            if value is None:
                raise CommandError(f"--topic-kinds : type inconnu « {kind} » pour {slug}.")
            kinds[slug] = value
        return kinds

    def progress(self, done: int, total: int) -> None:
        total = max(total, done, 1)
        width = 30
        filled = width * done // total
        line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        if getattr(self.stdout, "isatty", lambda: False)() or sys.stdout.isatty():
            self.stdout.write("\r" + line, ending="")
        elif done == total or done % max(total // 20, 1) == 0:
            self.stdout.write(line)

    def print_report(self, report: Report, elapsed: float) -> None:
        data = report.as_dict()
        counts = data["counts"]
        head = "Simulation (--dry-run), rien n'a été écrit. " if report.dry_run else ""
        self.stdout.write(self.style.SUCCESS(
            f"{head}Créés : {counts['created']}, mis à jour : {counts['updated']}, "
            f"inchangés : {counts['unchanged']}, ignorés : {counts['skipped']} "
            f"({elapsed:.1f} s)"
        ))  # fmt: skip
        if data["created"]:
            made = ", ".join(f"{name} : {count}" for name, count in data["created"].items())
            self.stdout.write(f"Également : {made}")
        for title, rows, fmt in (
            ("Ignorés", data["skipped"], lambda r: f"#{r['wp_id']} {r['title']} : {r['reason']}"),
            ("Avertissements", data["warnings"], lambda r: f"#{r['wp_id']} {r['message']}"),
        ):
            if not rows:
                continue
            self.stdout.write(f"{title} ({len(rows)}) :")
            for row in rows[:SHOWN_LINES]:
                self.stdout.write(f"  {fmt(row)}")
            if len(rows) > SHOWN_LINES:
                self.stdout.write(f"  … et {len(rows) - SHOWN_LINES} autres (voir --report)")
