"""The OpenAPI 3.0 definition of the OGC API at /ogc (its service-desc)."""

_JSON, _GEOJSON = "application/json", "application/geo+json"


def _response(description: str, mimetype: str = _JSON, schema: str = "object") -> dict:
    ref = {"$ref": f"#/components/schemas/{schema}"} if schema != "object" else {"type": "object"}
    return {"description": description, "content": {mimetype: {"schema": ref}}}


def _get(summary: str, operation_id: str, ok: dict, parameters=(), errors=(404,)) -> dict:
    responses = {"200": ok}
    for status in errors:
        responses[str(status)] = _response({400: "Bad parameter value", 404: "Not found"}[status],
                                           schema="exception")
    responses["500"] = _response("Server error", schema="exception")
    return {"get": {"summary": summary, "operationId": operation_id, "parameters": list(parameters),
                    "responses": responses}}


def document(base_url: str, collections, max_limit: int) -> dict:
    """The API definition, with the server's own URL and collection ids filled in."""
    collection_id = {"name": "collectionId", "in": "path", "required": True,
                     "schema": {"type": "string", "enum": list(collections)}}
    feature_id = {"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"},
                  "description": "An area or camera-site slug, or a commitment key 'promise/commitment' "
                                 "(its '/' percent-encoded)."}
    item_params = [
        collection_id,
        {"name": "limit", "in": "query", "required": False, "style": "form", "explode": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": max_limit, "default": 10}},
        {"name": "offset", "in": "query", "required": False, "style": "form", "explode": False,
         "description": "How many matching features to skip (the next and prev links set it).",
         "schema": {"type": "integer", "minimum": 0, "default": 0}},
        {"name": "bbox", "in": "query", "required": False, "style": "form", "explode": False,
         "description": "minLon,minLat,maxLon,maxLat in CRS84 (six numbers with heights are accepted).",
         "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}},
        {"name": "bbox-crs", "in": "query", "required": False, "style": "form", "explode": False,
         "schema": {"type": "string", "format": "uri",
                    "enum": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"]}},
        {"name": "datetime", "in": "query", "required": False, "style": "form", "explode": False,
         "description": "An RFC 3339 date-time or date, or an interval 'start/end' with '..' for an open end.",
         "schema": {"type": "string"}},
        {"name": "f", "in": "query", "required": False, "style": "form", "explode": False,
         "schema": {"type": "string", "enum": ["json", "geojson"]}},
    ]
    return {
        "openapi": "3.0.3",
        "info": {"title": "Löfteskartan – OGC API Features", "version": "1.0.0",
                 "description": "Published areas, camera sites and commitments as GeoJSON in CRS84."},
        "servers": [{"url": base_url}],
        "paths": {
            "/": _get("Landing page", "getLandingPage", _response("Links to the API's resources"), errors=()),
            "/api": _get("This API definition", "getAPI",
                         _response("OpenAPI 3.0", "application/vnd.oai.openapi+json;version=3.0"), errors=()),
            "/conformance": _get("Conformance classes", "getConformance", _response("conformsTo"), errors=()),
            "/collections": _get("Collections", "getCollections", _response("The collections"), errors=()),
            "/collections/{collectionId}": _get("One collection", "describeCollection",
                                                _response("Collection metadata"), [collection_id]),
            "/collections/{collectionId}/items": _get(
                "Features of a collection", "getFeatures",
                _response("A page of features, with next/prev links", _GEOJSON, "featureCollection"),
                item_params, errors=(400, 404)),
            "/collections/{collectionId}/items/{featureId}": _get(
                "One feature", "getFeature", _response("The feature", _GEOJSON, "feature"),
                [collection_id, feature_id]),
        },
        "components": {"schemas": {
            "exception": {"type": "object", "required": ["code"],
                          "properties": {"code": {"type": "string"}, "description": {"type": "string"}}},
            "feature": {"type": "object", "required": ["type", "geometry", "properties"],
                        "properties": {"type": {"type": "string", "enum": ["Feature"]},
                                       "geometry": {"type": "object", "nullable": True},
                                       "properties": {"type": "object", "nullable": True},
                                       "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}},
            "featureCollection": {"type": "object", "required": ["type", "features"],
                                  "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                                                 "features": {"type": "array",
                                                              "items": {"$ref": "#/components/schemas/feature"}},
                                                 "links": {"type": "array", "items": {"type": "object"}},
                                                 "timeStamp": {"type": "string", "format": "date-time"},
                                                 "numberMatched": {"type": "integer", "minimum": 0},
                                                 "numberReturned": {"type": "integer", "minimum": 0}}},
        }},
    }
