"""Draw the app icons into static/icons/ (run by hand when the design changes).

Needs Pillow (``pip install pillow``), which the app itself does not. The icon is a
SIM card with a cut corner and an exit arrow, white on the brand teal.
"""

from __future__ import annotations

import io
import os

from PIL import Image, ImageDraw

BRAND = (11, 90, 85, 255)
WHITE = (255, 255, 255, 255)
OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "static", "icons")


def draw(size: int, *, maskable: bool = False, transparent: bool = False) -> Image.Image:
    scale = 4  # draw large, then downsample for smooth edges
    s = size * scale
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0) if transparent else BRAND)
    d = ImageDraw.Draw(img)
    if not maskable and not transparent:
        img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
        d = ImageDraw.Draw(img)
        d.rounded_rectangle((0, 0, s - 1, s - 1), radius=s // 5, fill=BRAND)
    pad = s * (0.26 if maskable else 0.17)  # maskable icons keep to the 80 % safe zone
    w, h = (s - 2 * pad) * 0.62, s - 2 * pad
    x0, y0 = pad, pad
    cut = w * 0.3
    fg = BRAND if transparent else WHITE
    d.polygon(
        [(x0, y0), (x0 + w - cut, y0), (x0 + w, y0 + cut), (x0 + w, y0 + h), (x0, y0 + h)], fill=fg
    )
    chip = (x0 + w * 0.22, y0 + h * 0.42, x0 + w * 0.78, y0 + h * 0.72)
    d.rounded_rectangle(chip, radius=w * 0.06, fill=(0, 0, 0, 0) if transparent else BRAND)
    # exit arrow to the right of the card
    ay = y0 + h * 0.57
    ax0, ax1 = x0 + w + s * 0.04, s - pad * 0.55
    t = s * 0.055
    d.rectangle((ax0, ay - t / 2, ax1 - t * 1.6, ay + t / 2), fill=fg)
    d.polygon([(ax1, ay), (ax1 - t * 2.6, ay - t * 2), (ax1 - t * 2.6, ay + t * 2)], fill=fg)
    return img.resize((size, size), Image.LANCZOS)


def save(img: Image.Image, name: str) -> None:
    img.save(os.path.join(OUT, name), optimize=True)


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    save(draw(192), "icon-192.png")
    save(draw(512), "icon-512.png")
    save(draw(512, maskable=True), "icon-maskable-512.png")
    save(draw(180, maskable=True).convert("RGB"), "apple-touch-icon.png")
    save(draw(72, transparent=True), "badge-72.png")
    buf = io.BytesIO()
    draw(32).save(buf, format="ICO", sizes=[(32, 32), (16, 16)])
    with open(os.path.join(OUT, "favicon.ico"), "wb") as f:
        f.write(buf.getvalue())
    with open(os.path.join(OUT, "favicon.svg"), "w") as f:
        f.write(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
            '<rect width="32" height="32" rx="6" fill="#0b5a55"/>'
            '<path d="M6 5h9l3 3v19H6z" fill="#fff"/>'
            '<rect x="8.6" y="14" width="6.8" height="6.5" rx=".8" fill="#0b5a55"/>'
            '<path d="M19.5 17.2h5.5v-2.4l4 3.6-4 3.6v-2.4h-5.5z" fill="#fff"/></svg>\n'
        )


if __name__ == "__main__":
    main()
