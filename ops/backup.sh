#!/usr/bin/env bash
# Back up Kiosque: the PostgreSQL database (pg_dump custom format) and the media files (tar.gz),
# with a SHA-256 manifest. Usage:
#   DATABASE_URL=postgres://user@host:5432/kiosque MEDIA_ROOT=/app/media ops/backup.sh [DEST_DIR]
# Prints the three files it wrote. Exits non-zero, leaving no partial file, on any failure.
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
: "${MEDIA_ROOT:?MEDIA_ROOT must name the media folder to back up}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL must be a postgres:// URL" >&2; exit 2 ;;
esac
[ -d "$MEDIA_ROOT" ] || { echo "backup.sh: no media folder at $MEDIA_ROOT" >&2; exit 2; }

dest="${1:-backups}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dest"
dump="$dest/kiosque-db-$stamp.dump"
media="$dest/kiosque-media-$stamp.tar.gz"
manifest="$dest/kiosque-$stamp.sha256"
trap 'rm -f "$dump.part" "$media.part"' EXIT

# Custom format: compressed, and pg_restore can restore it selectively and in one transaction.
pg_dump --format=custom --no-owner --no-privileges --file="$dump.part" "$DATABASE_URL"
tar -C "$MEDIA_ROOT" -czf "$media.part" .
mv "$dump.part" "$dump"
mv "$media.part" "$media"
(cd "$dest" && sha256sum "$(basename "$dump")" "$(basename "$media")") > "$manifest"
printf '%s\n' "$dump" "$media" "$manifest"
