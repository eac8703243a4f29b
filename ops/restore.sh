#!/usr/bin/env bash
# Restore a Kiosque backup made by ops/backup.sh into an EXISTING, EMPTY database, and unpack the
# media files. Usage:
#   DATABASE_URL=postgres://user@host:5432/kiosque_restored MEDIA_ROOT=/app/media [PYTHON=python] \
#     ops/restore.sh kiosque-db-<stamp>.dump [kiosque-media-<stamp>.tar.gz]
# The database restore runs in a single transaction: on any error nothing is left half-written.
# The manifest next to the files, when present, is checked first.
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL must name the (empty) database to restore into}"
dump="${1:?usage: restore.sh DUMP [MEDIA_TAR]}"
media="${2:-}"
[ -f "$dump" ] || { echo "restore.sh: no dump at $dump" >&2; exit 2; }
if [ -n "$media" ]; then
  : "${MEDIA_ROOT:?MEDIA_ROOT must name the folder to unpack media into}"
  [ -f "$media" ] || { echo "restore.sh: no media archive at $media" >&2; exit 2; }
fi

stamp="$(basename "$dump" .dump)"
stamp="${stamp#kiosque-db-}"
manifest="$(dirname "$dump")/kiosque-$stamp.sha256"
if [ -f "$manifest" ]; then
  (cd "$(dirname "$dump")" && sha256sum --check --quiet --ignore-missing "$(basename "$manifest")")
fi

pg_restore --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$DATABASE_URL" "$dump"

# A restored database is another copy of the change feed: stamp a new generation so that apps
# holding cursors from before the restore resync instead of silently missing changes.
# PYTHON names the interpreter with Kiosque installed (default: python on PATH).
"${PYTHON:-python}" "$(dirname "$0")/../manage.py" stamp_feed_generation

if [ -n "$media" ]; then
  mkdir -p "$MEDIA_ROOT"
  tar -C "$MEDIA_ROOT" -xzf "$media"
fi
echo "restored $dump${media:+ and $media}"
