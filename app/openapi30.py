"""The API as an OpenAPI 3.0.3 document, made from the same 3.1 document Litestar generates (no
second schema by hand), for tools that import only 3.0 (Salesforce External Services).

3.1 says "or null" with `oneOf: [X, {type: null}]` or a type list; 3.0 says `nullable: true`.
A nullable reference is inlined (3.0 ignores keywords beside `$ref`). Other 3.1-only keywords
become their 3.0 forms (`examples` → `example`, `const` → `enum`, numeric exclusive bounds).
What 3.0 cannot say without `oneOf` (a value of several shapes) keeps the first shape.
"""

import copy
import json
from typing import Any

from litestar.serialization import encode_json

Schema = dict[str, Any]
NULL = {"type": "null"}


def convert(doc: Schema) -> Schema:
    """The 3.0.3 form of a 3.1 document."""
    out = json.loads(encode_json(doc))  # a plain copy, every key a string (status codes)
    out["openapi"] = "3.0.3"
    for key in ("webhooks", "jsonSchemaDialect"):
        out.pop(key, None)
    components = out.get("components", {}).get("schemas", {})
    originals = copy.deepcopy(components)
    out = _walk(out, originals)
    for path in out.get("paths", {}).values():
        for op in path.values():
            for answer in (op.get("responses") or {}).values() if isinstance(op, dict) else ():
                for header in (answer.get("headers") or {}).values():
                    header.setdefault("schema", {"type": "string"})  # required in 3.0
    return out


def _walk(node: Any, components: Schema) -> Any:
    if isinstance(node, list):
        return [_walk(x, components) for x in node]
    if not isinstance(node, dict):
        return node
    node = {k: _walk(v, components) for k, v in node.items()}
    return _schema(node, components) if _looks_like_schema(node) else node


def _looks_like_schema(node: Schema) -> bool:
    keys = {"type", "oneOf", "anyOf", "examples", "const", "$ref", "exclusiveMinimum", "required"}
    return bool(keys & node.keys()) and "in" not in node and "content" not in node


def _schema(node: Schema, components: Schema) -> Schema:
    """One schema object in its 3.0 form (children are already converted)."""
    for key in ("oneOf", "anyOf"):
        if key in node:
            node = _one_of(node, node.pop(key), components)
    kind = node.get("type")
    if isinstance(kind, list):
        rest = [t for t in kind if t != "null"]
        node["type"] = rest[0] if rest else "string"
        if "null" in kind:
            node["nullable"] = True
    if "examples" in node and isinstance(node["examples"], list):
        found = node.pop("examples")
        if found:
            node.setdefault("example", found[0])
    if node.get("required") == []:
        del node["required"]  # 3.0 wants at least one name
    if "const" in node:
        node["enum"] = [node.pop("const")]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(node.get(bound), (int, float)) and not isinstance(node[bound], bool):
            node[plain], node[bound] = node[bound], True
    return node


def _one_of(node: Schema, options: list[Any], components: Schema) -> Schema:
    """`X or null` as X with nullable; several shapes keep the first (3.0 without oneOf)."""
    nullable = any(o == NULL or o.get("type") == "null" for o in options if isinstance(o, dict))
    shapes = [o for o in options if isinstance(o, dict) and o.get("type") != "null"]
    shape = _merge_enums(shapes) or (shapes[0] if shapes else {"type": "string"})
    if "$ref" in shape:
        name = shape["$ref"].rsplit("/", 1)[-1]
        shape = _walk(copy.deepcopy(components.get(name, {})), components) if nullable else shape
    merged = {**shape, **{k: v for k, v in node.items() if k not in shape}}
    if nullable:
        merged["nullable"] = True
    return merged


def _merge_enums(shapes: list[Schema]) -> Schema | None:
    """Several string enums (or constants) as one enum."""
    if len(shapes) < 2 or not all(s.get("type") == "string" and "enum" in s for s in shapes):
        return None
    values = [v for s in shapes for v in s["enum"]]
    return {"type": "string", "enum": list(dict.fromkeys(values))}
