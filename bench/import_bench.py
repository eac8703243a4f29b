"""Import benchmark: generate a WordPress export of N posts, import it into a fresh SQLite
database, import it again unchanged, and write the figures to docs/benchmarks-import.md.

    .venv/bin/python bench/import_bench.py --posts 10000
    .venv/bin/python bench/import_bench.py --posts 200 --baseline 45674db

`--baseline REV` first runs the importer of git revision REV (extracted with `git archive`) on
a copy of the same fresh database and export, so old and new figures come from one run.

Each import runs as `manage.py import_wordpress` in a child process, so the time is the
command's wall time, the CPU time is the child's (user + system: on a shared machine the wall
time mostly measures the neighbours, the CPU time much less) and the memory is the child's peak
resident size (ru_maxrss).
"""

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
SITE = "https://gazette-bench.example"
SECTIONS = [("politique", "Politique"), ("economie", "Économie"), ("societe", "Société"),
            ("culture", "Culture"), ("sport", "Sport"), ("monde", "Monde")]  # fmt: skip
_TEXT = (
    "le port la ville une grève des salariés conseil municipal élus budget région été hiver "
    "projet chantier quartier habitants école santé hôpital transport tramway marché festival "
    "saison pêche tourisme littoral tempête digue maire préfet accord syndicat direction emploi"
)
WORDS = _TEXT.split(" ")
IMAGES = 40


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(2, 4)))


def permalink(wp_id: int, date: datetime) -> str:
    return f"{SITE}/{date:%Y/%m/%d}/article-{wp_id}/"


def body(rng: random.Random, wp_id: int, earlier: list[tuple[int, datetime]]) -> str:
    gutenberg = wp_id % 2 == 0
    image = f"{SITE}/wp-content/uploads/2024/01/photo-{wp_id % IMAGES}-1024x683.jpg"
    quote = f"« {sentence(rng, 10)[:-1]} »"
    parts = []
    for n in range(6):
        text = paragraph(rng)
        if n == 1 and earlier:
            target, date = rng.choice(earlier[-200:])
            text += f' Voir <a href="{permalink(target, date)}">notre article</a>.'
        if gutenberg:
            parts.append(f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->")
        else:
            parts.append(text)
        if n == 2:
            parts.append(
                f"<!-- wp:heading -->\n<h2>{sentence(rng, 5)}</h2>\n<!-- /wp:heading -->"
                if gutenberg
                else f"<h2>{sentence(rng, 5)}</h2>"
            )
        if n == 3:
            parts.append(
                f'<!-- wp:quote -->\n<blockquote class="wp-block-quote"><p>{quote}</p>'
                f"<cite>Camille Roux, porte-parole</cite></blockquote>\n<!-- /wp:quote -->"
                if gutenberg
                else f"<blockquote>{quote}\n— Camille Roux, porte-parole</blockquote>"
            )
        if n == 4:
            n_img = wp_id % IMAGES
            parts.append(
                f'[caption id="attachment_{900000 + n_img}" width="1024"]<img src="{image}" '
                f'class="wp-image-{900000 + n_img}" alt="" /> Légende {n_img}.[/caption]'
            )
    parts.append('[newsletter_form id="1"]')
    if earlier:
        target, date = rng.choice(earlier[-500:])
        parts.append(f'Lire aussi : <a href="{permalink(target, date)}">Un article lié</a>')
    return "\n\n".join(parts)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def generate(path: Path, media: Path, posts: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    media.mkdir(parents=True, exist_ok=True)
    from PIL import Image

    for n in range(IMAGES):
        target = media / "2024/01" / f"photo-{n}.jpg"
        target.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (320, 200), (n * 5 % 255, 90, 140)).save(target, format="JPEG")
    start = datetime(2015, 1, 1, 8, 0, tzinfo=UTC)
    earlier: list[tuple[int, datetime]] = []
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            f"<title>Gazette</title><link>{SITE}</link><wp:wxr_version>1.2</wp:wxr_version>\n"
            f"<wp:base_site_url>{SITE}</wp:base_site_url>"
            f"<wp:base_blog_url>{SITE}</wp:base_blog_url>\n"
        )
        for n in range(8):
            out.write(
                f"<wp:author><wp:author_login>{cdata(f'auteur{n}')}</wp:author_login>"
                f"<wp:author_email>{cdata(f'auteur{n}@gazette.example')}</wp:author_email>"
                f"<wp:author_display_name>{cdata(f'Plume Numéro {n}')}"
                "</wp:author_display_name></wp:author>\n"
            )
        for n in range(IMAGES):
            wp_id = 900000 + n
            out.write(
                f"<item><title>photo-{n}</title><wp:post_id>{wp_id}</wp:post_id>"
                "<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>"
                f"<wp:attachment_url>{SITE}/wp-content/uploads/2024/01/photo-{n}.jpg"
                "</wp:attachment_url><wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>"
                f"<wp:meta_value>2024/01/photo-{n}.jpg</wp:meta_value></wp:postmeta>"
                "<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
                f"<wp:meta_value>Photo d’illustration {n}</wp:meta_value></wp:postmeta>"
                f"<excerpt:encoded>{cdata(f'Légende {n}')}</excerpt:encoded></item>\n"
            )
        for wp_id in range(1, posts + 1):
            date = start + timedelta(hours=wp_id * 6)
            slug, name = SECTIONS[wp_id % len(SECTIONS)]
            tags = [f"sujet-{rng.randint(1, 300)}" for _ in range(3)]
            tag_xml = "".join(
                f'<category domain="post_tag" nicename="{t}">{cdata(t.replace("-", " ").title())}'
                "</category>"
                for t in dict.fromkeys(tags)
            )
            excerpt = sentence(rng, 20) if wp_id % 3 else ""
            out.write(
                f"<item><title>{escape(sentence(rng, 8)[:-1])} n°{wp_id}</title>"
                f"<link>{permalink(wp_id, date)}</link>"
                f"<dc:creator>{cdata(f'auteur{wp_id % 8}')}</dc:creator>"
                f"<content:encoded>{cdata(body(rng, wp_id, earlier))}</content:encoded>"
                f"<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>"
                f"<wp:post_id>{wp_id}</wp:post_id>"
                f"<wp:post_date>{date:%Y-%m-%d %H:%M:%S}</wp:post_date>"
                f"<wp:post_date_gmt>{date:%Y-%m-%d %H:%M:%S}</wp:post_date_gmt>"
                f"<wp:post_name>article-{wp_id}</wp:post_name><wp:status>publish</wp:status>"
                f'<wp:post_type>post</wp:post_type><category domain="category" nicename="{slug}">'
                f"{cdata(name)}</category>{tag_xml}"
                "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
                f"<wp:meta_value>{900000 + wp_id % IMAGES}</wp:meta_value></wp:postmeta></item>\n"
            )
            earlier.append((wp_id, date))
        out.write("</channel>\n</rss>\n")


def run(args: list[str], env: dict, cwd: Path = ROOT) -> tuple[float, float, int, str]:
    """Wall time (s), CPU time (s), peak RSS (MB) and output of one child process."""
    started = time.monotonic()
    process = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)  # fmt: skip
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(args)} failed:\n{output[-3000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, output


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--workdir", default=str(ROOT / "var" / "bench-import"))
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks-import.md"))
    parser.add_argument("--baseline", help="git revision to run first on the same data")
    args = parser.parse_args()

    work = Path(args.workdir).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    export, media = work / "export.xml", work / "uploads"
    started = time.monotonic()
    generate(export, media, args.posts)
    generated = time.monotonic() - started
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings_import",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
    }
    python = sys.executable
    run([python, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    run([python, "manage.py", "shell", "-c", SITE_SETUP], env)
    load = os.getloadavg()
    rows = []
    if args.baseline:
        source = work / "baseline-src"
        source.mkdir()
        archive = subprocess.run(["git", "archive", args.baseline], cwd=ROOT, check=True,
                                 capture_output=True).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
        shutil.copy(work / "db.sqlite3", work / "baseline.sqlite3")
        baseline_env = {**env, "DATABASE_URL": f"sqlite:///{work / 'baseline.sqlite3'}",
                        "MEDIA_ROOT": str(work / "baseline-media")}  # fmt: skip
        rows += imports(python, export, media, work, baseline_env, source, f" ({args.baseline})")
    rows += imports(python, export, media, work, env, ROOT, "")
    write_report(Path(args.out), args.posts, export.stat().st_size, generated, rows, load)


def imports(python, export, media, work, env, cwd, suffix) -> list:
    rows = []
    for label in ("first import", "unchanged re-run"):
        report = work / f"report{suffix.strip(' ()')}-{len(rows)}.json"
        command = [python, "manage.py", "import_wordpress", str(export), "--media", str(media),
                   "--report", str(report)]  # fmt: skip
        elapsed, cpu, rss, _ = run(command, env, cwd)
        counts = json.loads(report.read_text(encoding="utf-8"))["counts"]
        rows.append((label + suffix, elapsed, cpu, rss, counts))
    return rows


SITE_SETUP = """
from wagtail.models import Page, Site
from home.models import HomePage
root = Page.get_first_root_node()
home = HomePage(title="Gazette", slug="gazette")
root.add_child(instance=home)
home.save_revision().publish()
Site.objects.update_or_create(is_default_site=True, defaults={
    "hostname": "localhost", "port": 80, "root_page": home, "site_name": "Gazette"})
"""


def write_report(path: Path, posts: int, size: int, generated: float, rows, load) -> None:
    after = os.getloadavg()
    lines = [
        "# WordPress import benchmark",
        "",
        "Written by `bench/import_bench.py`; do not edit by hand.",
        "",
        f"- Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores, SQLite, load average "
        f"{load[0]:.1f} before the imports and {after[0]:.1f} after (the machine is shared: "
        "read the ratios, not the absolutes).",
        f"- Export: {posts:,} posts (half classic, half Gutenberg; 6 paragraphs, a heading, a "
        f'quote, a captioned image, a newsletter shortcode and a "Lire aussi" each; 3 tags '
        f"from 300; 6 categories; 8 authors; {IMAGES} image files), {size / 1e6:.1f} MB, "
        f"generated in {generated:.1f} s.",
        "",
        "| run | wall time | posts/s | CPU time | CPU ms/post | peak RSS | created | updated "
        "| unchanged | skipped |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, elapsed, cpu, rss, counts in rows:
        lines.append(
            f"| {label} | {elapsed:.1f} s | {posts / elapsed:.0f} | {cpu:.1f} s | "
            f"{1000 * cpu / posts:.1f} | {rss} MB | {counts['created']} | {counts['updated']} | "
            f"{counts['unchanged']} | {counts['skipped']} |"
        )
    if len(rows) == 4:
        wall, cpu, rerun = (rows[0][1] / rows[2][1], rows[0][2] / rows[2][2],
                            rows[1][1] / rows[3][1])  # fmt: skip
        lines += ["", f"Baseline / current, same data, same run: first import {wall:.1f}× the "
                  f"wall time and {cpu:.1f}× the CPU time; unchanged re-run {rerun:.1f}× the "
                  "wall time."]  # fmt: skip
    if posts < 10000:
        # Linear: no per-post lookup grows with the archive (slugs, paths, redirects and
        # records are held in memory), so the per-post cost measured here carries over.
        wall, cpu = (10000 * rows[-2][n] / posts / 60 for n in (1, 2))
        lines += ["", f"At this run's per-post rates, 10,000 posts: {wall:.1f} min of wall time, "
                  f"{cpu:.1f} min of CPU time."]  # fmt: skip
    lines += [
        "",
        "Targets (issue 14): first import of 10,000 posts well under 10 minutes, memory under "
        "500 MB, unchanged re-run under 2 minutes.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
