"""Prints a document with python-escpos, the reference library, for the reference test.

Reads from stdin a JSON object: {"code_page": "CP858", "items": [...]}, each item one of
{"kind": "text", "text", "align", "bold", "width", "height", "reverse", "underline"},
{"kind": "qr", "data", "module"} or {"kind": "cut"}; writes the ESC/POS bytes python-escpos
makes of it to stdout. The Rust side decodes both its own bytes and these with the same
decoder and compares what the paper says.
"""

import json
import sys

from escpos.printer import Dummy


def main() -> None:
    doc = json.load(sys.stdin)
    p = Dummy()
    p.charcode(doc["code_page"])
    for item in doc["items"]:
        kind = item["kind"]
        if kind == "text":
            # python-escpos 3.1 changes the size only when asked for a double one, or
            # back to normal with `normal_textsize`.
            normal = item["width"] == 1 and item["height"] == 1
            p.set(
                align=item["align"],
                bold=item["bold"],
                underline=1 if item["underline"] else 0,
                invert=item["reverse"],
                normal_textsize=normal,
                double_width=item["width"] > 1,
                double_height=item["height"] > 1,
            )
            p.textln(item["text"])
        elif kind == "qr":
            p.set(align="center", bold=False, underline=0, invert=False, normal_textsize=True)
            p.qr(item["data"], size=item["module"], native=True)
        elif kind == "cut":
            p.cut()
        else:
            raise SystemExit(f"unknown item {kind!r}")
    sys.stdout.buffer.write(p.output)


if __name__ == "__main__":
    main()
