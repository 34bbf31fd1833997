"""The browser runtimes' files are served locally from node_modules (no CDN), in a form a
module worker can import (no bare specifiers), with the cross-origin isolation headers."""
from __future__ import annotations

import re

import pytest

BARE_IMPORT = re.compile(r"""\bfrom\s*["'](?![./])(?!/)[^"']+["']""")


@pytest.mark.parametrize("url, content_type", [
    ("/vendor/onnxruntime-web/ort.wasm.min.mjs", "text/javascript"),
    ("/vendor/@litertjs/core/index.js", "text/javascript"),
    ("/vendor/@litertjs/wasm-utils/index.js", "text/javascript"),
    ("/vendor/@litertjs/core/wasm/litert_wasm_threaded_internal.js", "text/javascript"),
    ("/vendor/@litertjs/core/wasm/litert_wasm_threaded_internal.wasm", "application/wasm"),
    ("/vendor/@litertjs/core/wasm/litert_wasm_internal.wasm", "application/wasm"),
])
def test_runtime_files_are_served_with_isolation_headers(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"].startswith(content_type)
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert len(response.get_data()) > 1000


def test_litert_module_imports_resolve_without_an_import_map(client):
    body = client.get("/vendor/@litertjs/core/index.js").get_data(as_text=True)
    assert BARE_IMPORT.findall(body) == []
    imported = re.findall(r"""\bfrom\s*["']([^"']+)["']""", body)
    assert imported, "the module imports its loader helper"
    for url in imported:
        assert client.get(url).status_code == 200, url
    assert "loadLiteRt" in body


@pytest.mark.parametrize("url", [
    "/vendor/@litertjs/core/package.json",
    "/vendor/@litertjs/core/../../onnxruntime-web/package.json",
    "/vendor/@litertjs/tfjs-interop/index.js",
    "/vendor/protobufjs/index.js",
])
def test_other_node_modules_files_are_not_served(client, url):
    assert client.get(url).status_code == 404


def test_models_are_cached_by_the_browser_and_revalidated(tmp_path):
    """Weights: kept a week, then checked with their ETag (304); index and manifests: checked
    on every visit (so a re-exported model is seen at once)."""
    from tools.harness import make_app

    models = tmp_path / "models"
    models.mkdir()
    (models / "index.json").write_text('{"models": []}')
    (models / "m.onnx").write_bytes(b"\x08" * 4096)
    client = make_app(tmp_path / "app", MODELS_DIR=str(models)).test_client()
    weights = client.get("/static/models/m.onnx")
    assert weights.status_code == 200
    assert weights.cache_control.max_age >= 86400 and weights.cache_control.public
    etag = weights.headers["ETag"]
    again = client.get("/static/models/m.onnx", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    index = client.get("/static/models/index.json")
    assert index.cache_control.no_cache and index.headers.get("ETag")
