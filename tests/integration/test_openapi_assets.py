"""/schema's pages load nothing from another host: their assets are vendored, pinned and served here."""

from __future__ import annotations

import gzip
import hashlib
import re

import pytest
from litestar.testing import AsyncTestClient

from app.openapi_docs import ASSETS, BUNDLES, SCALAR, SWAGGER_UI, VendoredBundle, accepts_gzip

PAGES = ("/schema", "/schema/swagger", "/schema/scalar")
README = (ASSETS / "README.md").read_text(encoding="utf-8")


def referenced_urls(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", html)


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda b: b.directory)
def test_vendored_files_are_the_documented_builds(bundle: VendoredBundle) -> None:
    row = next(line for line in README.splitlines() if line.startswith(f"| `{bundle.directory}/`"))
    assert f"| {bundle.version} " in row, row
    assert (ASSETS / bundle.directory / "LICENSE").is_file()
    for file in bundle.files:
        digest = hashlib.sha256(gzip.decompress(bundle.path(file).read_bytes())).hexdigest()
        assert f"`{file}` (`{digest}`)" in row, f"{file}: README's sha256 is not {digest}"


def test_pinned_versions_are_the_ones_served() -> None:
    assert SWAGGER_UI.url("swagger-ui-bundle.js") == "/schema/assets/swagger-ui-5.18.2/swagger-ui-bundle.js"
    assert "5.18.2" in gzip.decompress(SWAGGER_UI.path("swagger-ui-bundle.js").read_bytes()).decode()
    assert SCALAR.version == "1.76.4" and SCALAR.directory == "scalar-1.76.4"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("", False),
        ("identity", False),
        ("gzip;q=0", False),
        ("gzip;q=0.0, identity", False),
        ("gzip;q=nonsense", False),
        ("br, x-gzip", True),
    ],
)
def test_accepts_gzip(header: str, expected: bool) -> None:
    assert accepts_gzip(header) is expected


@pytest.mark.parametrize("page", PAGES)
async def test_pages_reference_only_this_server(client: AsyncTestClient, page: str) -> None:
    resp = await client.get(page)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    urls = referenced_urls(resp.text)
    assert urls, resp.text
    for url in urls:
        assert url.startswith("/schema/") or url.startswith("data:"), f"{page} loads {url}"
    assert "cdn." not in resp.text and "https://" not in resp.text
    for url in urls:
        if url.startswith("/schema/assets/"):
            asset = await client.get(url)
            assert asset.status_code == 200, url
            assert asset.headers["content-encoding"] == "gzip"  # httpx asks for gzip and decompresses it
            assert "immutable" in asset.headers["cache-control"]


async def test_assets_are_decompressed_for_a_client_without_gzip(client: AsyncTestClient) -> None:
    for bundle in BUNDLES:
        for file in bundle.files:
            expected = gzip.decompress(bundle.path(file).read_bytes())
            plain = await client.get(bundle.url(file), headers={"Accept-Encoding": "identity"})
            assert plain.status_code == 200 and "content-encoding" not in plain.headers
            assert plain.content == expected
            kind = "text/css" if file.endswith(".css") else "text/javascript"
            assert plain.headers["content-type"] == f"{kind}; charset=utf-8"
            zipped = await client.get(bundle.url(file), headers={"Accept-Encoding": "gzip"})
            assert zipped.content == expected  # decompressed by httpx from the stored .gz


@pytest.mark.parametrize(
    "path",
    [
        "/schema/assets/swagger-ui-5.18.2/LICENSE",
        "/schema/assets/swagger-ui-5.18.2/index.html",
        "/schema/assets/swagger-ui-5.18.2/..%2F..%2Fopenapi_docs.py",
        "/schema/assets/scalar-1.76.4/swagger-ui.css",
        "/schema/assets/swagger-ui-5.0.0/swagger-ui.css",
    ],
)
async def test_only_the_vendored_files_are_served(client: AsyncTestClient, path: str) -> None:
    assert (await client.get(path)).status_code == 404
