"""Draws Comanda's app icon (a receipt on a warm tile) in every size the bundles need.

Run: python3 icons/make_icons.py  (needs Pillow; the PNG/ICO files are committed)."""
from pathlib import Path
from PIL import Image, ImageDraw

here = Path(__file__).parent

def draw(size: int) -> Image.Image:
    s = 1024
    im = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((40, 40, s - 40, s - 40), radius=200, fill=(192, 57, 43, 255))
    # the receipt
    d.rounded_rectangle((300, 180, 724, 860), radius=36, fill=(253, 246, 236, 255))
    for i, w in enumerate((300, 240, 280, 200)):
        y = 300 + i * 110
        d.rounded_rectangle((370, y, 370 + w, y + 44), radius=22, fill=(120, 40, 30, 255))
    d.rounded_rectangle((370, 740, 654, 790), radius=25, fill=(39, 174, 96, 255))
    return im.resize((size, size), Image.LANCZOS)

for name, size in [("32x32.png", 32), ("128x128.png", 128), ("128x128@2x.png", 256), ("icon.png", 512)]:
    draw(size).save(here / name)
draw(256).save(here / "icon.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
