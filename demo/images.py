"""Illustrations drawn locally with Pillow, so the demo needs no download and no stock photo."""

import io

from PIL import Image, ImageDraw, ImageFont

# Two-colour gradients, named so alt texts can describe them.
PALETTES = {
    "bleu nuit": ((16, 32, 64), (58, 110, 165)),
    "sable": ((120, 84, 40), (230, 196, 132)),
    "vert": ((22, 70, 48), (120, 178, 110)),
    "pourpre": ((60, 20, 60), (170, 80, 130)),
    "ardoise": ((40, 46, 56), (130, 146, 160)),
    "corail": ((130, 40, 30), (240, 140, 100)),
    "turquoise": ((10, 70, 80), (80, 190, 190)),
}


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow built without FreeType: small bitmap font
        return ImageFont.load_default()


def illustration(label: str, *, palette: str, motif: int, size=(1600, 900)) -> bytes:
    """A JPEG: a diagonal gradient, a few geometric shapes and the label written large."""
    width, height = size
    dark, light = PALETTES[palette]
    vertical = Image.linear_gradient("L")
    mask = Image.blend(vertical, vertical.rotate(90), 0.5).resize(size)
    image = Image.composite(Image.new("RGB", size, light), Image.new("RGB", size, dark), mask)
    draw = ImageDraw.Draw(image)
    accent = tuple(min(255, c + 60) for c in light)
    shade = tuple(max(0, c - 20) for c in dark)
    for i in range(4):
        step = (motif * 37 + i * 211) % 100 / 100
        if motif % 3 == 0:
            r = int(height * (0.15 + step * 0.25))
            cx, cy = int(width * (0.55 + 0.1 * i)), int(height * (0.2 + step * 0.6))
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=accent, width=8)
        elif motif % 3 == 1:
            x = int(width * (0.5 + 0.12 * i))
            draw.rectangle((x, int(height * step * 0.5), x + width // 14, height), fill=shade)
        else:
            y = int(height * (0.25 + 0.18 * i))
            draw.line((0, y, width, int(y - height * step * 0.3)), fill=accent, width=10)
    font = _font(height // 9)
    draw.rectangle((0, height - height // 4, width, height), fill=dark)
    draw.text((width // 20, height - height // 5), label, fill=(255, 255, 255), font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True)
    return buffer.getvalue()


def portrait(initials: str, *, palette: str, size=(480, 480)) -> bytes:
    """A JPEG avatar: initials on a disc, standing in for an author's photo."""
    dark, light = PALETTES[palette]
    image = Image.new("RGB", size, light)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w // 10, h // 10, w - w // 10, h - h // 10), fill=dark)
    font = _font(h // 3)
    draw.text((w // 2, h // 2), initials, fill=(255, 255, 255), font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
