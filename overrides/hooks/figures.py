"""Pictures drawn at build time as inline SVG: Kraken's key form, and where to find it.

Clicking through Kraken's key form is the whole fix for most readers, so the site shows the
form: the catalog's groups and boxes in Kraken's order, a tick on each box the bot needs, a
cross and a red outline on every box that can move money out. It is drawn from the catalog,
so a changed box changes the picture. Inline SVG with real <text> keeps it searchable, sharp
at any size, free of extra requests, and lets the site's stylesheet give it light and dark
colours (the `kd-fig` rules in overrides/main.html). Both drawings are our own, not copies of
Kraken's screens.
"""

from __future__ import annotations

from html import escape

from kraken_doctor.catalog import Catalog, Permission

#: Layout of the key form, in SVG user units (the drawing scales to the column width).
WIDTH = 360
PAD = 12
ROW = 24
GROUP_GAP = 10
BOX = 14
TITLE_H = 34


def _text(x: float, y: float, text: str, cls: str = "", anchor: str = "start") -> str:
    extra = f' class="{cls}"' if cls else ""
    end = ' text-anchor="end"' if anchor == "end" else ""
    return f'<text x="{x:g}" y="{y:g}"{extra}{end}>{escape(text)}</text>'


def _box(x: float, y: float, p: Permission) -> str:
    """A checkbox: ticked (the bot needs it), crossed (never), or empty (leave it off)."""
    parts = [f'<rect x="{x:g}" y="{y:g}" width="{BOX}" height="{BOX}" rx="2" class="kd-box"/>']
    if p.bot_needs:
        parts.append(f'<path d="M{x + 3:g} {y + 7.5:g} l3.5 3.5 l6 -7" class="kd-tick"/>')
    elif p.forbidden:
        parts.append(
            f'<path d="M{x + 3.5:g} {y + 3.5:g} l7 7 M{x + 10.5:g} {y + 3.5:g} l-7 7" '
            'class="kd-cross"/>'
        )
    return "".join(parts)


def _verdict(p: Permission) -> tuple[str, str]:
    if p.bot_needs:
        return "Tick", "kd-ok"
    if p.forbidden:
        return "Never", "kd-bad"
    return "Off", "kd-dim"


def key_form_alt(cat: Catalog) -> str:
    """The picture in words, for screen readers and for anyone whose browser shows no SVG."""
    ticks = ", ".join(p.label for p in cat.required_permissions)
    never = ", ".join(p.label for p in cat.forbidden_permissions)
    return (
        f"Kraken's API key form, box by box. Tick: {ticks}. Never tick: {never}. "
        "Leave every other box off."
    )


def key_form_svg(cat: Catalog, ident: str = "kd-keyform") -> str:
    """Kraken's Edit API key form as an SVG drawing, rows in the catalog's (Kraken's) order."""
    rows: list[str] = []
    y = PAD + TITLE_H
    for group in cat.permission_groups:
        boxes = [p for p in cat.permissions if p.group == group.id]
        if not boxes:
            continue
        y += GROUP_GAP
        heading = group.label + (" (if your form shows them)" if group.note else "")
        rows.append(_text(PAD, y + 12, heading, "kd-group"))
        y += ROW
        for p in boxes:
            if p.forbidden:
                rows.append(
                    f'<rect x="{PAD - 4:g}" y="{y - 3:g}" width="{WIDTH - 2 * PAD + 8:g}" '
                    f'height="{ROW - 2:g}" rx="4" class="kd-danger"/>'
                )
            rows.append(_box(PAD + 6, y + 1, p))
            rows.append(_text(PAD + 6 + BOX + 10, y + 13, p.label))
            word, cls = _verdict(p)
            rows.append(_text(WIDTH - PAD - 4, y + 13, word, cls, anchor="end"))
            y += ROW
    height = y + PAD
    title = _text(PAD, PAD + 16, "Edit API key: permissions", "kd-title")
    frame = (
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{height - 1:g}" rx="8" '
        'class="kd-frame"/>'
        f'<line x1="0" y1="{PAD + TITLE_H - 6:g}" x2="{WIDTH}" y2="{PAD + TITLE_H - 6:g}" '
        'class="kd-rule"/>'
    )
    return (
        f'<svg class="kd-svg" viewBox="0 0 {WIDTH} {height:g}" role="img" '
        f'aria-labelledby="{ident}-t" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-t">{escape(key_form_alt(cat))}</title>'
        + frame
        + title
        + "".join(rows)
        + "</svg>"
    )


def key_form_figure(cat: Catalog, ident: str = "kd-keyform") -> str:
    """The key form with its caption, as one line of HTML a Markdown list item can hold."""
    needed = len(cat.required_permissions)
    caption = f"Kraken's key form: tick the {needed} boxes marked Tick, never those in red."
    return (
        f'<figure class="kd-fig kd-keyform">{key_form_svg(cat, ident)}'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


def settings_api_figure(ident: str = "kd-where") -> str:
    """Where Settings, then API is on kraken.com: account menu, Settings, the API tab."""
    alt = (
        "Where the API keys are on kraken.com: click the person icon at the top right to open "
        "the account menu, choose Settings, then the API tab. Each key has its own row there, "
        "with a menu to edit it."
    )
    w, h = WIDTH, 150
    parts = [
        f'<rect x="0.5" y="0.5" width="{w - 1}" height="{h - 1}" rx="8" class="kd-frame"/>',
        # the site's top bar, with the account icon at the right
        f'<line x1="0" y1="32" x2="{w}" y2="32" class="kd-rule"/>',
        _text(PAD, 21, "kraken.com", "kd-title"),
        f'<circle cx="{w - 24}" cy="16" r="11" class="kd-hot"/>',
        f'<circle cx="{w - 24}" cy="12.5" r="3.5" class="kd-icon"/>',
        f'<path d="M{w - 31} 23 a7 6 0 0 1 14 0" class="kd-icon"/>',
        _text(w - 42, 21, "1. account menu", "kd-note", anchor="end"),
        # the menu it opens
        f'<rect x="{w - 132}" y="38" width="120" height="46" rx="4" class="kd-box"/>',
        _text(w - 122, 56, "Profile", "kd-dim"),
        f'<rect x="{w - 128}" y="62" width="112" height="19" rx="3" class="kd-hot"/>',
        _text(w - 122, 76, "2. Settings"),
        # the settings page's tabs, API chosen
        _text(PAD, 58, "Settings", "kd-group"),
        _text(PAD, 84, "Security", "kd-dim"),
        f'<rect x="{PAD + 62}" y="70" width="52" height="20" rx="3" class="kd-hot"/>',
        _text(PAD + 70, 84, "3. API"),
        f'<line x1="{PAD}" y1="95" x2="{w - PAD}" y2="95" class="kd-rule"/>',
        # one key's row, with its menu
        f'<rect x="{PAD}" y="104" width="{w - 2 * PAD}" height="32" rx="4" class="kd-box"/>',
        _text(PAD + 10, 124, "my-bot-key   …Ab1z   2026-01-10"),
        _text(w - PAD - 10, 124, "4. Edit ⋮", "kd-ok", anchor="end"),
    ]
    svg = (
        f'<svg class="kd-svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{ident}-t" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{ident}-t">{escape(alt)}</title>'
        + "".join(parts)
        + "</svg>"
    )
    caption = "Account menu, Settings, API (our sketch, not Kraken's screen)."
    return (
        f'<figure class="kd-fig kd-where">{svg}<figcaption>{escape(caption)}</figcaption></figure>'
    )
