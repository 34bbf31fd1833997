"""/api/docs: a self-hosted page listing every operation of the OpenAPI document (no CDN)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template_string, url_for

bp = Blueprint("api_docs", __name__)
METHODS = ("get", "post", "put", "patch", "delete")

PAGE = """{% extends "base.html" %}
{% block title %}API{% endblock %}
{% block content %}
<h1>{{ info.title }} <small class="muted">v{{ info.version }}</small></h1>
<p>{{ info.description }}</p>
<p>Machine-readable: <a href="{{ spec_url }}">{{ spec_url }}</a> (OpenAPI {{ version }}).</p>
{% for tag, operations in groups %}
<section class="api-doc-group">
  <h2 id="{{ tag }}">{{ tag }}</h2>
  {% for op in operations %}
  <details class="api-doc-op">
    <summary><code>{{ op.method|upper }} {{ op.path }}</code> — {{ op.summary }}</summary>
    {% if op.description %}<p>{{ op.description }}</p>{% endif %}
    {% if op.parameters %}<p><strong>Parameters:</strong></p><ul>
      {% for p in op.parameters %}<li><code>{{ p.name }}</code> ({{ p['in'] }}{% if p.required %}, required{% endif %}){% if p.description %}: {{ p.description }}{% endif %}</li>{% endfor %}
    </ul>{% endif %}
    {% if op.body %}<p><strong>Body:</strong> {{ op.body }}</p>{% endif %}
    <p><strong>Responses:</strong> {% for code, text in op.responses %}<code>{{ code }}</code> {{ text }}{% if not loop.last %}; {% endif %}{% endfor %}</p>
  </details>
  {% endfor %}
</section>
{% endfor %}
{% endblock %}"""


def _body(operation: dict) -> str | None:
    body = operation.get("requestBody")
    if not body:
        return None
    parts = []
    for media_type, content in body.get("content", {}).items():
        schema = content.get("schema", {})
        name = schema.get("$ref", "").rsplit("/", 1)[-1] or ", ".join(
            schema.get("properties", {}))
        parts.append(f"{media_type} {name}".strip())
    return "; ".join(parts)


def operations_by_tag(spec: dict) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append({
                "method": method, "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [*item.get("parameters", []), *operation.get("parameters", [])],
                "body": _body(operation),
                "responses": [(code, answer.get("description", ""))
                              for code, answer in operation.get("responses", {}).items()],
            })
    return list(groups.items())


@bp.route("/api/docs")
def docs_page():
    from . import API_EXTENSION_KEY

    spec = current_app.extensions[API_EXTENSION_KEY].spec.to_dict()
    return render_template_string(PAGE, info=spec["info"], version=spec.get("openapi"),
                                  spec_url=url_for("api-docs.openapi_json"),
                                  groups=operations_by_tag(spec))
