"""/api/docs: a self-hosted page listing every operation of the OpenAPI document (no CDN)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template_string, url_for

bp = Blueprint("api_docs", __name__)
METHODS = ("get", "post", "put", "patch", "delete")
# Human titles of the API's groups (the OpenAPI tags are the blueprints' names).
TAG_TITLES = {
    "api_me": "Your account", "api_profile": "Profile", "api_tokens": "API tokens",
    "api_videos": "Videos", "api_zones": "Zones, lines and bands", "api_runs": "Counting sessions",
    "api_stats": "Statistics", "api_exports": "CSV downloads", "api_charts": "Chart images",
    "api_alerts": "Alerts", "api_live": "Live stream", "api_webhooks": "Webhooks",
}
METHOD_WORDS = {"get": "Read", "post": "Create or send", "put": "Replace", "patch": "Change",
                "delete": "Delete"}


def tag_title(tag: str) -> str:
    """A group's title: the known one, else the name made readable ("api_foo_bar" -> "Foo bar")."""
    if tag in TAG_TITLES:
        return TAG_TITLES[tag]
    words = tag.removeprefix("api_").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else "Other"


def operation_title(summary: str, method: str) -> str:
    """An operation's title: the first sentence of its summary, without the final period."""
    first = summary.split(". ")[0].strip().rstrip(".")
    return first or f"{METHOD_WORDS.get(method, method.upper())}"

PAGE = """{% extends "base.html" %}
{% block title %}API{% endblock %}
{% block content %}
<h1>{{ info.title }} <small class="muted">v{{ info.version }}</small></h1>
<p>{{ info.description }}</p>
<p>Machine-readable: <a href="{{ spec_url }}">{{ spec_url }}</a> (OpenAPI {{ version }}).</p>
<nav class="api-doc-index" aria-label="Groups">{% for tag, title, description, operations in groups %}<a href="#{{ tag }}">{{ title }}</a>{% if not loop.last %} · {% endif %}{% endfor %}</nav>
{% for tag, title, description, operations in groups %}
<section class="api-doc-group">
  <h2 id="{{ tag }}">{{ title }}</h2>
  {% if description %}<p class="muted">{{ description }}</p>{% endif %}
  {% for op in operations %}
  <details class="api-doc-op">
    <summary><strong>{{ op.title }}</strong> <code>{{ op.method|upper }} {{ op.path }}</code></summary>
    {% if op.summary and op.summary != op.title %}<p>{{ op.summary }}</p>{% endif %}
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


def operations_by_tag(spec: dict) -> list[tuple[str, str, str, list[dict]]]:
    """(tag, title, description, operations) per group, in the spec's order."""
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
                "title": operation_title(operation.get("summary", ""), method),
                "description": operation.get("description", ""),
                "parameters": [*item.get("parameters", []), *operation.get("parameters", [])],
                "body": _body(operation),
                "responses": [(code, answer.get("description", ""))
                              for code, answer in operation.get("responses", {}).items()],
            })
    descriptions = {tag.get("name"): tag.get("description", "") for tag in spec.get("tags", [])}
    return [(tag, tag_title(tag), descriptions.get(tag, ""), operations)
            for tag, operations in groups.items()]


@bp.route("/api/docs")
def docs_page():
    from . import API_EXTENSION_KEY

    spec = current_app.extensions[API_EXTENSION_KEY].spec.to_dict()
    return render_template_string(PAGE, info=spec["info"], version=spec.get("openapi"),
                                  spec_url=url_for("api-docs.openapi_json"),
                                  groups=operations_by_tag(spec))
