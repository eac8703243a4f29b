"""A progress bar for management commands that walk a large archive in chunks."""

WIDTH = 40


def write_progress(stdout, done: int, total: int) -> None:
    """Redraw `[####----] done/total` on the command's current line."""
    filled = WIDTH * done // total if total else WIDTH
    bar = "#" * filled + "-" * (WIDTH - filled)
    stdout.write(f"\r[{bar}] {done}/{total}", ending="")
    stdout.flush()
