"""Static files of frontend/ and the few npm packages the pages load, served locally (no CDN),
with the cross-origin isolation headers multi-threaded WASM needs."""
from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_from_directory

bp = Blueprint("assets", __name__)

# Only these folders of frontend/ are public (templates are not).
STATIC_DIRS = ("css", "js", "img", "models")
# npm files the pages may load: URL prefix under /vendor/ -> folder inside node_modules
# (longest prefix first).
VENDOR_PACKAGES = {
    "onnxruntime-web": "onnxruntime-web/dist",
    "chart.js": "chart.js/dist",
    "@kurkle/color": "@kurkle/color/dist",
    "@litertjs/core/wasm": "@litertjs/core/wasm",
    "@litertjs/core": "@litertjs/core/dist",
    "@litertjs/wasm-utils": "@litertjs/wasm-utils/dist",
    # Demographics (opt-in): face-api's ES module (TF.js bundled) and only the two models it
    # uses, loaded by frontend/js/demographics/face_worker.js when a source's switch is on.
    "@vladmandic/face-api/dist": "@vladmandic/face-api/dist",
    "@vladmandic/face-api/model": "@vladmandic/face-api/model",
}
# Inside these vendor folders only these files are served.
VENDOR_ONLY = {
    "@vladmandic/face-api/dist": {"face-api.esm.js"},
    "@vladmandic/face-api/model": {
        "tiny_face_detector_model-weights_manifest.json", "tiny_face_detector_model.bin",
        "age_gender_model-weights_manifest.json", "age_gender_model.bin"},
}
# Bare imports inside vendor ES modules, rewritten to their /vendor/ URL: a module worker has
# no import map, so `import ... from "@litertjs/wasm-utils"` would not resolve.
VENDOR_BARE_IMPORTS = {
    "@litertjs/core/index.js": {"@litertjs/wasm-utils": "/vendor/@litertjs/wasm-utils/index.js"},
}

mimetypes.add_type("application/wasm", ".wasm")
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("text/javascript", ".js")


@bp.route("/static/<path:filename>")
def static_file(filename: str):
    top = filename.split("/", 1)[0]
    if top not in STATIC_DIRS:
        abort(404)
    if top == "models":
        return _model_file(filename[len("models/"):])
    return send_from_directory(current_app.config["FRONTEND_DIR"], filename, max_age=0)


MODEL_MAX_AGE = 7 * 86400


def _model_file(name: str):
    """Model weights are big and change only when re-exported: the browser keeps them a week
    and after that asks again with their ETag (a 304 costs a few bytes; the page also keeps a
    copy in Cache Storage, checked the same way). The index and manifests, small and telling
    which weights to load, are checked on every visit."""
    binary = not name.endswith(".json")
    response = send_from_directory(current_app.config["MODELS_DIR"], name,
                                   max_age=MODEL_MAX_AGE if binary else 0, conditional=True,
                                   etag=True)
    response.cache_control.public = True
    if not binary:
        response.cache_control.no_cache = True
    return response


@bp.route("/vendor/<path:filename>")
def vendor_file(filename: str):
    for prefix in sorted(VENDOR_PACKAGES, key=len, reverse=True):
        if filename.startswith(prefix + "/"):
            inner = filename[len(prefix) + 1:]
            root = Path(current_app.config["NODE_MODULES_DIR"]) / VENDOR_PACKAGES[prefix]
            if prefix in VENDOR_ONLY and inner not in VENDOR_ONLY[prefix]:
                abort(404)
            if filename in VENDOR_BARE_IMPORTS:
                return _with_imports_rewritten(root, inner, VENDOR_BARE_IMPORTS[filename])
            return send_from_directory(root, inner, max_age=86400)
    abort(404)


def _with_imports_rewritten(root: Path, inner: str, imports: dict[str, str]):
    response = send_from_directory(root, inner, max_age=86400)
    response.direct_passthrough = False
    text = response.get_data(as_text=True)
    for bare, url in imports.items():
        for quote in ('"', "'"):
            text = text.replace(f"from {quote}{bare}{quote}", f"from {quote}{url}{quote}")
    response.set_data(text)
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.after_request
    def _isolation_headers(response):
        # Cross-origin isolation: SharedArrayBuffer, so onnxruntime-web can use WASM threads.
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Embedder-Policy", "require-corp")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
