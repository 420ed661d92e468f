"""The browser lab (chapters/evidence-lab-browser.md) in Chromium, checked against the CLI.

Playwright drives Debian's Chromium on the built site (the session's ``site_url``). Every
file is generated here (the toolkit's sample photos plus extra metadata written in), never
a real person's photo. What is checked:

- a custody log made in the page verifies with ``evidence log verify``; a log made by the
  CLI verifies in the page with the same head hash; a tampered log is named at the line
  the CLI names;
- a JPEG, PNG and WebP cleaned in the page are clean by exiftool (no GPS, device, names,
  times, comments, XMP, IPTC, private chunks or profile texts) while their image data
  (JPEG scan data, PNG IDAT, WebP VP8/VP8L/ALPH) is byte-identical to the original's;
- metadata hidden where a simple reader does not look (a second EXIF block, XMP, a
  colour profile's description) is shown, grouped like the CLI's ``meta``;
- streamed SHA-256 equals hashlib's; the lab's script loads only on its own page; the
  page makes no request to another host.

The browser is the session's Chromium from tests/conftest.py: without it these tests FAIL
with the package to install; they never skip.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from coursekit.evidence import icc
from coursekit.evidence.metadata import jpeg_image_data
from coursekit.evidence.sample import make_samples

ROOT = Path(__file__).resolve().parent.parent
PAGE = "chapters/evidence-lab-browser.html"
#: Text that only the invented metadata of the test files contains: none may survive a scrub.
MARKERS = ("Sample", "DEMO", "CourseKit", "Demo ", "fictional", "where we stay", "laptop",
           "second team", "Secret", "Atlantic")


# --- files made for the tests ----------------------------------------------------------

def _profile(description: str) -> bytes:
    """An sRGB colour profile whose description is ``description`` (free text to be cleared)."""
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return icc.replace_texts(srgb, {b"desc": description, b"cprt": "(c) A. Sample"})


def _png_chunk(ctype: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", zlib.crc32(ctype + data))


def _second_exif_with_gps() -> bytes:
    """A second APP1 EXIF block holding only a GPS position (simple readers skip it)."""
    import piexif

    gps = {piexif.GPSIFD.GPSLatitudeRef: b"S", piexif.GPSIFD.GPSLatitude: ((20, 1), (0, 1), (0, 1)),
           piexif.GPSIFD.GPSLongitudeRef: b"W", piexif.GPSIFD.GPSLongitude: ((10, 1), (0, 1), (0, 1))}
    payload = piexif.dump({"0th": {}, "Exif": {}, "GPS": gps, "1st": {}, "thumbnail": None})
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def _riff_chunk(fourcc: bytes, data: bytes) -> bytes:
    return fourcc + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")


def _webp_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    pos, out = 12, []
    while pos + 8 <= len(data):
        fourcc, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        out.append((fourcc, data[pos + 8:pos + 8 + size]))
        pos += 8 + size + size % 2
    return out


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Sample photos with every kind of hidden metadata the lab must show and remove."""
    folder = tmp_path_factory.mktemp("blab-media")
    samples = make_samples(folder / "samples")
    out: dict[str, Path] = {}
    # JPEG: the sample (EXIF with GPS and a thumbnail, XMP, comment) plus a second EXIF block
    # with another position, a colour profile with a personal description, trailing bytes.
    jpg = samples["jpeg"].read_bytes()
    profile = _profile("A. Sample's laptop")
    icc_seg = b"ICC_PROFILE\0\x01\x01" + profile
    extra = _second_exif_with_gps() + b"\xff\xe2" + struct.pack(">H", len(icc_seg) + 2) + icc_seg
    out["jpeg"] = folder / "hills.jpg"
    out["jpeg"].write_bytes(jpg[:2] + extra + jpg[2:] + b"Secret trailer")
    # PNG: the sample (EXIF, XMP, text chunks) plus tIME, a private chunk and an iCCP profile.
    png = samples["png"].read_bytes()
    ihdr_end = 8 + 25
    iccp = _png_chunk(b"iCCP", b"Laptop\0\0" + zlib.compress(profile))
    added = (iccp + _png_chunk(b"tIME", struct.pack(">HBBBBB", 2024, 3, 1, 9, 30, 0))
             + _png_chunk(b"prVt", b"Secret private data"))
    out["png"] = folder / "hills.png"
    out["png"].write_bytes(png[:ihdr_end] + added + png[ihdr_end:])
    # WebP: the sample (EXIF, XMP in a VP8X file) plus an ICCP profile and an unknown chunk.
    webp = samples["webp"].read_bytes()
    chunks = _webp_chunks(webp)
    body = b""
    for fourcc, data in chunks:
        if fourcc == b"VP8X":
            data = bytes([data[0] | 0x20]) + data[1:]
            body += _riff_chunk(fourcc, data) + _riff_chunk(b"ICCP", profile)
        else:
            body += _riff_chunk(fourcc, data)
    body += _riff_chunk(b"ZZZZ", b"Secret unknown chunk")
    out["webp"] = folder / "hills.webp"
    out["webp"].write_bytes(b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body)
    return out


# --- the browser --------------------------------------------------------------------------

class Lab:
    """The lab page in a fresh browser context; requests off localhost are blocked and kept."""

    def __init__(self, browser, url: str, width: int = 1280) -> None:
        self.context = browser.new_context(accept_downloads=True,
                                           viewport={"width": width, "height": 800})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.remote: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(url, wait_until="networkidle")
        self.page.wait_for_selector("html[data-browserlab=ready]", timeout=15000)

    def _route(self, route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "file") or parts.hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.remote.append(url)
            route.abort()

    def text(self, selector: str, contains: str, timeout: float = 30000) -> str:
        """The text of ``selector`` once it contains ``contains`` and the page has finished
        reading (its "Reading <file>…" progress line is gone)."""
        self.page.wait_for_function(
            "([s, c]) => { const t = document.querySelector(s).textContent || '';"
            " return t.includes(c) && !/^\\s*Reading /.test(t); }",
            arg=[selector, contains], timeout=timeout)
        return self.page.text_content(selector) or ""

    def blob(self, link_id: str) -> bytes:
        """The bytes behind a download link the page made (read from its blob: URL)."""
        self.page.wait_for_selector(f"#{link_id}:not([hidden])", timeout=30000)
        b64 = self.page.evaluate(
            """async (id) => {
                 const r = await fetch(document.getElementById(id).href);
                 const b = new Uint8Array(await r.arrayBuffer());
                 let s = ''; for (let i = 0; i < b.length; i += 0x8000)
                   s += String.fromCharCode.apply(null, b.subarray(i, i + 0x8000));
                 return btoa(s);
               }""", link_id)
        return base64.b64decode(b64)

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def lab(browser, site_url: str) -> Iterator[Lab]:
    page = Lab(browser, f"{site_url}/{PAGE}")
    yield page
    assert not page.errors, f"console errors on the lab page: {page.errors[:3]}"
    assert not page.remote, f"requests to other hosts: {page.remote[:3]}"
    page.close()


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The toolkit's command line, as a documenter runs it."""
    return subprocess.run([sys.executable, "-m", "coursekit", "evidence", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


def start_log(lab: Lab, actor: str = "team A recorder") -> None:
    lab.page.fill("#bl-log-start-actor", actor)
    lab.page.fill("#bl-log-start-note", "drill in the test suite")
    lab.page.click("#bl-log-start button[type=submit]")
    lab.text("#bl-log-out", "new log was started")


def add_file(lab: Lab, path: Path, actor: str, action: str, line: int) -> None:
    lab.page.set_input_files("#bl-log-add-file", str(path))
    lab.page.fill("#bl-log-add-actor", actor)
    lab.page.fill("#bl-log-add-action", action)
    lab.page.click("#bl-log-add-button")
    lab.text("#bl-log-out", f"Line {line} added")


def verify_in_page(lab: Lab, log: Path, files: list[Path] | None = None) -> str:
    lab.page.set_input_files("#bl-verify-log", str(log))
    lab.page.set_input_files("#bl-verify-files", [str(f) for f in files or []])
    lab.page.evaluate("document.getElementById('bl-verify-out').textContent = ''")
    lab.page.click("#bl-verify-form button[type=submit]")
    return lab.text("#bl-verify-out", "entries read")


# --- custody logs -------------------------------------------------------------------------

def test_a_log_made_in_the_page_verifies_with_the_cli(lab: Lab, tmp_path: Path) -> None:
    first, second = tmp_path / "clip one.mp4", tmp_path / "notes-é.txt"
    first.write_bytes(b"\x00\x01video bytes" * 5000)
    second.write_bytes("field notes, café at 9:30\n".encode())
    start_log(lab, actor='recorder "B" — café')  # quotes and non-ASCII: escaped like Python
    add_file(lab, first, "team A recorder", "collected", 2)
    add_file(lab, second, "archivist", "copied to the archive", 3)
    with lab.page.expect_download() as info:
        lab.page.click("#bl-log-save")
    log = tmp_path / "custody.jsonl"
    info.value.save_as(log)
    assert log.read_bytes() == lab.blob("bl-log-save")
    lines = log.read_bytes().splitlines()
    assert len(lines) == 3 and all(line.isascii() for line in lines)
    assert json.loads(lines[0])["actor"] == 'recorder "B" — café'
    result = cli("log", "verify", str(log), "--base", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 entries read, 2 logged files checked" in result.stdout
    assert "OK" in result.stdout
    # The CLI can append to the page's log, and the page verifies the result.
    third = tmp_path / "third.bin"
    third.write_bytes(b"third file")
    added = cli("log", "add", str(log), "third.bin", "--actor", "lawyer", "--action", "received",
                cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    text = verify_in_page(lab, log, [first, second, third])
    assert "4 entries read, 3 logged files checked" in text and "OK:" in text
    # Changing a logged file is caught by both.
    second.write_bytes(b"edited notes\n")
    assert cli("log", "verify", str(log), "--base", str(tmp_path), cwd=tmp_path).returncode == 1
    text = verify_in_page(lab, log, [first, second, third])
    assert "FAILED" in text and "notes-é.txt" in text and "changed since line 3" in text


def test_a_cli_log_verifies_in_the_page_with_the_same_head(lab: Lab, tmp_path: Path,
                                                            media: dict[str, Path]) -> None:
    log = tmp_path / "cli.jsonl"
    assert cli("log", "init", str(log), "--actor", "coordinator", cwd=tmp_path).returncode == 0
    for name, path in media.items():
        shutil.copy(path, tmp_path / path.name)
        assert cli("log", "add", str(log), path.name, "--actor", "team B",
                   "--action", f"collected the {name}", cwd=tmp_path).returncode == 0
    result = cli("log", "verify", str(log), cwd=tmp_path)
    head = re.search(r"Head hash.*: ([0-9a-f]{64})", result.stdout).group(1)
    text = verify_in_page(lab, log, [tmp_path / p.name for p in media.values()])
    assert "4 entries read, 3 logged files checked" in text and "OK:" in text
    assert head in text
    # The page extends the CLI's log, and the CLI still verifies it.
    lab.page.set_input_files("#bl-log-open", str(log))
    lab.text("#bl-log-out", "chain intact")
    add_file(lab, tmp_path / "hills.jpg", "team C", "copied", 5)
    extended = lab.blob("bl-log-save")
    assert extended.startswith(log.read_bytes())
    (tmp_path / "extended.jsonl").write_bytes(extended)
    result = cli("log", "verify", "extended.jsonl", cwd=tmp_path)
    assert result.returncode == 0 and "5 entries read" in result.stdout, result.stdout


def test_the_page_writes_json_byte_for_byte_as_the_cli(lab: Lab) -> None:
    """Canonical JSON and entry hashes agree with custody.py on awkward text (escapes, emoji)."""
    from coursekit.evidence.custody import canonical_json, compute_entry_hash
    texts = ["plain", 'quote " and backslash \\', "tab\tnew\nline\rcr", "\x00\x1f\x7f\x80",
             "café — ünïcode", "emoji 😀 and 𝄞", "\ud800 lone surrogate", "\u2028\u2029", "</script>"]
    for text in texts:
        entry = {"seq": 7, "kind": "file", "note": text, "actor": text[::-1], "size": 2 ** 40,
                 "path": f"dir/{text}.jpg"}
        page = lab.page.evaluate("(e) => [BrowserLab.canonicalJson(e), null]", entry)[0]
        assert page == canonical_json(entry).decode("ascii"), text
        digest = lab.page.evaluate("async (e) => await BrowserLab.computeEntryHash(e)", entry)
        assert digest == compute_entry_hash(entry), text


def _tampered(lines: list[bytes]) -> dict[str, tuple[bytes, int]]:
    """Ways to damage a 4-line log, with the line the CLI names first."""
    edited = json.loads(lines[2])
    edited["actor"] = "someone else"
    recomputed = dict(edited)
    from coursekit.evidence.custody import canonical_json, compute_entry_hash
    recomputed["entry_hash"] = compute_entry_hash(recomputed)
    return {
        "edited field": (b"\n".join([lines[0], lines[1], canonical_json(edited), lines[3]]) + b"\n", 3),
        "rehashed edit": (b"\n".join([lines[0], lines[1], canonical_json(recomputed), lines[3]]) + b"\n", 4),
        "deleted line": (b"\n".join([lines[0], lines[1], lines[3]]) + b"\n", 3),
        "swapped lines": (b"\n".join([lines[0], lines[2], lines[1], lines[3]]) + b"\n", 2),
        "CRLF": (b"\n".join([lines[0], lines[1] + b"\r", lines[2], lines[3]]) + b"\n", 2),
        "NaN": (b"\n".join([lines[0], lines[1], lines[2].replace(b'"size":', b'"size":NaN,"x":'),
                             lines[3]]) + b"\n", 3),
        "huge number": (b"\n".join([lines[0], lines[1].replace(b'"seq":2', b'"seq":' + b"9" * 5000),
                                     lines[2], lines[3]]) + b"\n", 2),
        "deep nesting": (b"\n".join([lines[0], lines[1], lines[2], b"[" * 5000 + b"]" * 5000]) + b"\n", 4),
        "BOM": (b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n", 1),
        "cut short": (b"\n".join(lines)[:-5], 4),
        "blank line": (b"\n".join([lines[0], b"", lines[1], lines[2], lines[3]]) + b"\n", 2),
    }


def test_a_tampered_log_is_named_at_the_line_the_cli_names(lab: Lab, tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    cli("log", "init", str(log), "--actor", "coordinator", cwd=tmp_path)
    for i in range(3):
        (tmp_path / f"f{i}.txt").write_text(f"file {i}\n")
        cli("log", "add", str(log), f"f{i}.txt", "--actor", "team", "--action", "collected",
            cwd=tmp_path)
    lines = log.read_bytes().splitlines()
    assert len(lines) == 4
    for label, (data, line) in _tampered(lines).items():
        bad = tmp_path / f"bad-{label.replace(' ', '-')}.jsonl"
        bad.write_bytes(data)
        result = cli("log", "verify", str(bad), cwd=tmp_path)
        assert result.returncode == 1, (label, result.stdout)
        cli_first = re.search(r"- line (\d+):", result.stdout)
        assert cli_first and int(cli_first.group(1)) == line, (label, result.stdout)
        text = verify_in_page(lab, bad)
        assert "FAILED" in text, (label, text)
        assert lab.page.get_attribute("#bl-verify-out", "data-first-bad-line") == str(line), (label, text)
        page_first = re.search(r"line (\d+):", text)
        assert page_first and int(page_first.group(1)) == line, (label, text)
    # ...and the untouched log still passes (the check is not simply always failing).
    assert "OK:" in verify_in_page(lab, log)


def test_a_swapped_file_and_a_back_dated_entry_are_warned_like_the_cli(lab: Lab, tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    cli("log", "init", str(log), "--actor", "coordinator", cwd=tmp_path)
    (tmp_path / "a.txt").write_text("first\n")
    cli("log", "add", str(log), "a.txt", "--actor", "team", "--action", "collected", cwd=tmp_path)
    (tmp_path / "a.txt").write_text("another file\n")
    cli("log", "add", str(log), "a.txt", "--actor", "team", "--action", "handed over", cwd=tmp_path)
    text = verify_in_page(lab, log)
    assert "OK:" in text and "warning: line 3:" in text and "put in its place" in text


# --- metadata and scrubbing -----------------------------------------------------------------

def test_the_page_shows_what_a_photo_reveals_grouped_like_meta(lab: Lab, media: dict[str, Path]) -> None:
    lab.page.set_input_files("#bl-meta-file", str(media["jpeg"]))
    text = lab.text("#bl-meta-out", "Location (GPS)")
    assert "10.500000° N, 30.250000° W" in text
    assert "20.000000° S, 10.000000° W" in text  # the position in the second EXIF block
    for category in ("Device", "People", "Time", "Comments and descriptions"):
        assert category in text
    for value in ("DEMO-SN-000123", "A. Sample (fictional photographer)", "Demo Camera 1",
                  "Sample comment: camera 2 of the team", "A. Sample's laptop", "Thumbnail"):
        assert value in text, value
    lab.page.set_input_files("#bl-meta-file", str(media["webp"]))
    text = lab.text("#bl-meta-out", "hills.webp")
    assert "10.500000° N" in text and "ZZZZ" in text and "A. Sample's laptop" in text
    lab.page.set_input_files("#bl-meta-file", str(media["png"]))
    text = lab.text("#bl-meta-out", "hills.png")
    assert "10.500000° N" in text and "prVt" in text and "tIME" in text and "Creation Time" in text


def _exiftool(path: Path) -> dict[str, object]:
    out = subprocess.run(["exiftool", "-j", "-a", "-G1", "-s", "-u", str(path)], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out)[0]


def _image_data(fmt: str, data: bytes) -> bytes:
    if fmt == "jpeg":
        return jpeg_image_data(data)
    if fmt == "png":
        pos, idat = 8, b""
        while pos < len(data):
            (length,) = struct.unpack(">I", data[pos:pos + 4])
            if data[pos + 4:pos + 8] == b"IDAT":
                idat += data[pos + 8:pos + 8 + length]
            pos += 12 + length
        return idat
    return b"".join(fourcc + d for fourcc, d in _webp_chunks(data)
                    if fourcc in (b"VP8 ", b"VP8L", b"ALPH"))


@pytest.mark.parametrize("fmt", ["jpeg", "png", "webp"])
def test_a_scrubbed_copy_is_clean_by_exiftool_with_the_image_data_unchanged(
        lab: Lab, media: dict[str, Path], fmt: str, tmp_path: Path) -> None:
    original = media[fmt]
    before = original.read_bytes()
    lab.page.set_input_files("#bl-scrub-file", str(original))
    text = lab.text("#bl-scrub-out", "Checked")
    assert "Removed" in text and "Location (GPS)" in text
    clean = tmp_path / f"clean.{original.suffix.lstrip('.')}"
    clean.write_bytes(lab.blob("bl-scrub-save"))
    assert original.read_bytes() == before, "the original must never change"
    found = _exiftool(clean)
    assert not found.get("ExifTool:Warning") and not found.get("ExifTool:Error"), found
    leaks = {k: v for k, v in found.items()
             if k.split(":")[0].startswith(("GPS", "XMP", "IPTC", "Photoshop", "IFD1", "MakerNotes"))
             or k.split(":")[-1] in ("Make", "Model", "Software", "Artist", "Copyright", "OwnerName",
                                     "SerialNumber", "LensSerialNumber", "ImageDescription",
                                     "UserComment", "XPComment", "XPAuthor", "DateTimeOriginal",
                                     "CreateDate", "ModifyDate", "Comment", "Author",
                                     "CreationTime", "ThumbnailImage", "ModDate", "Warning")
             or (k not in ("SourceFile", "System:FileName", "System:Directory")
                 and any(m in str(v) for m in MARKERS))}
    assert not leaks, f"left in the scrubbed {fmt}: {leaks}"
    assert found.get("ICC_Profile:ProfileDescription") == "Colour profile"
    assert _image_data(fmt, clean.read_bytes()) == _image_data(fmt, before)
    assert len(_image_data(fmt, before)) > 1000
    # The CLI's own reader agrees: nothing revealing is left.
    meta = json.loads(cli("meta", str(clean), "--json", cwd=tmp_path).stdout)
    revealing = [i for i in meta["items"] if i["category"] != "Other"]
    assert not revealing and not meta["gps"], revealing


def test_scrub_keeps_the_orientation_and_refuses_what_it_cannot_clean(lab: Lab, tmp_path: Path) -> None:
    from PIL import Image

    from coursekit.evidence.sample import landscape
    img = landscape(64, 48)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "CourseKit"
    path = tmp_path / "turned.jpg"
    img.save(path, format="JPEG", exif=exif.tobytes())
    lab.page.set_input_files("#bl-scrub-file", str(path))
    lab.text("#bl-scrub-out", "Checked")
    with Image.open(io.BytesIO(lab.blob("bl-scrub-save"))) as out:
        assert out.getexif().get(0x0112) == 6 and 0x010F not in out.getexif()
    fake = tmp_path / "not-a-photo.jpg"
    fake.write_text("just text, named like a photo")
    lab.page.set_input_files("#bl-scrub-file", str(fake))
    text = lab.text("#bl-scrub-out", "could not be cleaned")
    assert "not a JPEG, PNG or WebP" in text
    assert lab.page.is_hidden("#bl-scrub-save")


# --- hashing -------------------------------------------------------------------------------

def test_streamed_hash_equals_hashlib(lab: Lab, tmp_path: Path) -> None:
    big = tmp_path / "video.bin"
    chunk = hashlib.sha256(b"seed").digest() * 4096  # 128 KiB
    with big.open("wb") as f:
        for _ in range(80):  # 10 MiB + a few bytes: more than two 4 MiB pieces
            f.write(chunk)
        f.write(b"tail")
    want = hashlib.sha256(big.read_bytes()).hexdigest()
    lab.page.set_input_files("#bl-hash-file", str(big))
    lab.page.fill("#bl-hash-expect", want.upper())
    lab.page.click("#bl-hash-form button[type=submit]")
    text = lab.text("#bl-hash-out", "SHA-256 of")
    assert want in text and "It matches" in text
    assert f"{want}  video.bin" in text
    assert lab.page.get_attribute("#bl-hash-progress", "value") == "100"
    # The File.slice() path (browsers without File.stream()) gives the same hash.
    sliced = lab.page.evaluate("""async () => (await BrowserLab.hashFile(
        document.getElementById('bl-hash-file').files[0], null, 1048576)).sha256""")
    assert sliced == want
    lab.page.fill("#bl-hash-expect", "0" * 64)
    lab.page.click("#bl-hash-form button[type=submit]")
    assert "does NOT match" in lab.text("#bl-hash-out", "match")


# --- the page itself ---------------------------------------------------------------------------

def test_the_lab_script_loads_only_on_its_own_page(built_html: Path) -> None:
    lab_page = (built_html / PAGE).read_text(encoding="utf-8")
    assert "_static/browserlab/browserlab.mjs" in lab_page
    others = [p.relative_to(built_html).as_posix() for p in built_html.rglob("*.html")
              if "_static" not in p.parts and p != built_html / PAGE
              and "_static/browserlab/" in p.read_text(encoding="utf-8", errors="replace")]
    assert not others, f"pages that load the lab's files: {others}"


def test_vendored_libraries_carry_their_licences_and_match_the_lock() -> None:
    lock = json.loads((ROOT / "browserlab" / "package-lock.json").read_text())
    bundle = (ROOT / "_static" / "browserlab" / "browserlab.mjs").read_text(encoding="utf-8")
    # Jupyter Book adds every *.js and *.css under _static to every page: the lab has none.
    assert not list((ROOT / "_static" / "browserlab").rglob("*.js"))
    assert not list((ROOT / "_static" / "browserlab").rglob("*.css"))
    for name in ("exifr", "hash-wasm"):
        version = lock["packages"][f"node_modules/{name}"]["version"]
        assert f"/* {name} {version} (npm)" in bundle
        assert "MIT" in (ROOT / "_static" / "browserlab" / "licenses" / f"{name}-LICENSE.txt").read_text()
    assert not re.search(r"https?://(?!www\.w3\.org|ns\.adobe\.com|purl\.org)[\w.-]+/[\w/.-]*\.(js|wasm)\b", bundle)


@pytest.mark.parametrize("width", [320, 390])
def test_the_page_fits_a_phone_and_works_from_the_keyboard(browser, site_url: str, width: int) -> None:
    lab = Lab(browser, f"{site_url}/{PAGE}", width=width)
    try:
        overflow = lab.page.evaluate(
            "() => [...document.querySelectorAll('.bl-tool, .bl-tool *')]"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
            ".map(e => e.id || e.tagName)")
        assert not overflow, f"wider than {width} px: {overflow[:5]}"
        lab.page.fill("#bl-log-start-actor", "keyboard user")
        lab.page.focus("#bl-log-start-actor")
        lab.page.keyboard.press("Enter")  # a form: Enter submits, no mouse needed
        lab.text("#bl-log-out", "new log was started")
        for control in ("#bl-meta-file", "#bl-scrub-file", "#bl-hash-file", "#bl-log-add-file",
                        "#bl-verify-log"):
            label = lab.page.evaluate(f"document.querySelector('{control}').labels.length")
            assert label == 1, control
    finally:
        lab.close()
    assert not lab.errors and not lab.remote


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_tools_and_their_results_have_no_axe_violations(browser, a11y_tools: Path, site_url: str,
                                                            media: dict[str, Path], tmp_path: Path,
                                                            mode: str) -> None:
    """axe-core (tools/a11y's pinned copy) on the page after every tool has shown a result."""
    lab = Lab(browser, f"{site_url}/{PAGE}")
    try:
        lab.page.emulate_media(color_scheme=mode)
        lab.page.evaluate(f"document.documentElement.dataset.theme = '{mode}'")
        lab.page.set_input_files("#bl-meta-file", str(media["jpeg"]))
        lab.text("#bl-meta-out", "Location (GPS)")
        lab.page.set_input_files("#bl-scrub-file", str(media["png"]))
        lab.text("#bl-scrub-out", "Checked")
        start_log(lab)
        bad = tmp_path / "bad.jsonl"
        bad.write_text("not a log\n")
        verify_in_page(lab, bad)
        lab.page.evaluate((a11y_tools / "node_modules" / "axe-core" / "axe.min.js").read_text())
        violations = lab.page.evaluate("""async () => {
          const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
          return r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target).join(', '));
        }""")
        assert not violations, violations
    finally:
        lab.close()
    assert not lab.errors and not lab.remote


def test_the_page_works_from_the_offline_copy_opened_from_disk(browser, built_html: Path,
                                                               media: dict[str, Path],
                                                               tmp_path: Path) -> None:
    """No server at all (file://), as a reader opens the offline zip: the tools still work."""
    lab = Lab(browser, (built_html / PAGE).as_uri())
    try:
        lab.page.set_input_files("#bl-scrub-file", str(media["webp"]))
        lab.text("#bl-scrub-out", "Checked")
        assert _image_data("webp", lab.blob("bl-scrub-save")) == _image_data("webp", media["webp"].read_bytes())
        note = tmp_path / "note.txt"
        note.write_bytes(b"offline")
        start_log(lab)
        add_file(lab, note, "recorder", "collected", 2)
        log = tmp_path / "offline.jsonl"
        log.write_bytes(lab.blob("bl-log-save"))
        assert cli("log", "verify", str(log), "--base", str(tmp_path), cwd=tmp_path).returncode == 0
    finally:
        lab.close()
    assert not lab.errors, lab.errors[:3]
    assert not [u for u in lab.remote if not u.startswith("file:")], lab.remote[:3]
