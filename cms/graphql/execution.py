"""The executor the endpoint runs: graphql-core's, with the request's time budget
(cms.graphql.limits) and the cache tags of the root fields (cms.graphql.dependencies).

Root fields are noted where the executor starts them, not by a graphql-core middleware: a
middleware wraps the resolver of every field, two more calls per field (5,000 fields in a page
of 100 articles with their bodies) to act on the few root ones.
"""

from __future__ import annotations

from cms.graphql import dependencies
from cms.graphql.limits import DeadlineExecutionContext


def _names(fields) -> list[str]:
    # `fields`: response key -> the field nodes merged under it (aliases share a field name).
    return [nodes[0].name.value for nodes in fields.values()]


class KiosqueExecutionContext(DeadlineExecutionContext):
    def execute_fields(self, parent_type, source_value, path, fields):
        if path is None:  # the operation's root fields
            dependencies.record_root_fields(self.context_value, _names(fields))
        return super().execute_fields(parent_type, source_value, path, fields)

    def execute_fields_serially(self, parent_type, source_value, path, fields):
        if path is None:
            dependencies.record_root_fields(self.context_value, _names(fields))
        return super().execute_fields_serially(parent_type, source_value, path, fields)
