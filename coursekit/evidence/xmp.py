"""XMP packets: parsed as XML with a safe parser (defusedxml), listed property by property.

XMP is an XML document embedded in JPEG, PNG, TIFF, WebP, HEIF and video
files. It can repeat anything EXIF holds (GPS position, device, owner) and add
much more: the creator's name and contact, a caption, the place as words
(city, country), and an edit history naming every program that touched the
file. The packet is parsed with :mod:`defusedxml`, which refuses entity tricks
(billion-laughs and external entities), so a hostile file cannot exhaust
memory or read other files.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

#: Namespace URI -> the prefix exiftool and most tools show.
PREFIXES = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#": "stEvt",
    "http://ns.adobe.com/xap/1.0/sType/ResourceRef#": "stRef",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://cipa.jp/exif/1.0/": "exifEX",
    "http://ns.adobe.com/exif/1.0/aux/": "aux",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": "Iptc4xmpCore",
    "http://iptc.org/std/Iptc4xmpExt/2008-02-29/": "Iptc4xmpExt",
    "http://ns.adobe.com/photoshop/1.0/camera-profile": "crs",
    "http://ns.adobe.com/camera-raw-settings/1.0/": "crs",
    "http://ns.google.com/photos/1.0/camera/": "GCamera",
    "http://ns.apple.com/": "apple",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "adobe:ns:meta/": "x",
}
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_SKIP_ATTRS = {f"{{{_RDF}}}about", f"{{{_RDF}}}parseType", f"{{{_RDF}}}resource",
               "{http://www.w3.org/XML/1998/namespace}lang", "{adobe:ns:meta/}xmptk"}
_CONTAINERS = {"Bag", "Seq", "Alt", "li", "Description", "RDF"}
_MAX_DEPTH = 64
_MAX_ITEMS = 2000


def _name(tag: str) -> str:
    """``{uri}local`` as ``prefix:local``."""
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        return f"{PREFIXES.get(uri, uri.rstrip('/#').rsplit('/', 1)[-1] or 'ns')}:{local}"
    return tag


def _local(tag: str) -> str:
    """The local part of an element or attribute name."""
    return tag.rsplit("}", 1)[-1]


def parse_xmp(packet: bytes | str) -> tuple[list[tuple[str, str]], str | None]:
    """Every property of an XMP packet as ``(name, value)``, and a note if it could not be read.

    Nested structures are flattened: ``xmpMM:History/stEvt:softwareAgent``;
    items of a list each give one entry under the list's name.
    """
    text = packet.decode("utf-8", "replace") if isinstance(packet, bytes) else packet
    text = text.strip("\x00 \t\r\n")
    start = text.find("<x:xmpmeta")
    if start < 0:
        start = text.find("<rdf:RDF")
    if start > 0:
        end_tag = "</x:xmpmeta>" if text.startswith("<x:xmpmeta", start) else "</rdf:RDF>"
        end = text.find(end_tag, start)
        text = text[start:end + len(end_tag)] if end > 0 else text[start:]
    try:
        root = fromstring(text, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError, SyntaxError) as err:
        return [], f"the XMP packet is not well-formed XML, so it could not be read ({err})"
    items: list[tuple[str, str]] = []
    _walk(root, [], items, 0)
    return items, None


def _walk(el: Element, path: list[str], items: list[tuple[str, str]], depth: int) -> None:
    """Collect properties below ``el``; ``path`` holds the enclosing property names."""
    if depth > _MAX_DEPTH or len(items) >= _MAX_ITEMS:
        return
    local = _local(el.tag)
    is_container = el.tag.startswith(f"{{{_RDF}}}") and local in _CONTAINERS or \
        el.tag == "{adobe:ns:meta/}xmpmeta"
    here = path if is_container else [*path, _name(el.tag)]
    for attr, value in el.attrib.items():
        if attr in _SKIP_ATTRS or attr.startswith("{http://www.w3.org/2000/xmlns/}"):
            continue
        if value.strip():
            items.append(("/".join([*here, _name(attr)]), value.strip()))
    children = list(el)
    if not children and not is_container and (el.text or "").strip():
        items.append(("/".join(here), (el.text or "").strip()))
    elif not children and is_container and local == "li" and (el.text or "").strip():
        items.append(("/".join(here), (el.text or "").strip()))
    elif not children and not is_container and el.attrib.get(f"{{{_RDF}}}resource"):
        items.append(("/".join(here), el.attrib[f"{{{_RDF}}}resource"]))
    for child in children:
        _walk(child, here, items, depth + 1)
