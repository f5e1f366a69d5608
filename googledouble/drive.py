"""Drive v3 handlers: files, uploads, exports, permissions, comments, shared drives."""

from __future__ import annotations

import email.parser
import email.policy
import json
from typing import Any

from .base import Double
from .drive_files import (
    DOC,
    DOCX,
    EXPORT_LIMIT,
    FOLDER,
    SHEET,
    DriveFile,
    csv_rows,
    csv_text,
    docx_bytes,
    docx_paragraphs,
    pdf_bytes,
)
from .drive_query import compile_query
from .errors import drive_error, drive_not_found
from .grid import read_values
from .wire import Request, Response, ok

DEFAULT_FILE_FIELDS = ("kind", "id", "name", "mimeType")
APP_ID = "123456789012"  # the Cloud project number Drive names in an appNotAuthorizedToFile answer
ROLES = ("owner", "organizer", "fileOrganizer", "writer", "commenter", "reader")
TYPES = ("user", "group", "domain", "anyone")
SA_NO_STORAGE = (
    "Service Accounts do not have storage quota. Leverage shared drives "
    "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), or use OAuth delegation "
    "(http://support.google.com/a/answer/7281227) instead."
)


def file_out(
    double: Double, f: DriveFile, req: Request, default: tuple[str, ...] = DEFAULT_FILE_FIELDS
) -> dict[str, Any]:
    full = f.resource(double.user_email)
    if req.arg("fields"):
        return full  # the dispatcher applies the mask
    return {k: full[k] for k in default if k in full}


def _parse_multipart(req: Request) -> tuple[dict[str, Any], bytes, str | None]:
    content_type = req.header("Content-Type") or ""
    raw = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode() + req.body
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    parts = list(message.iter_parts()) if message.is_multipart() else []
    if len(parts) < 2:
        raise drive_error(400, "Bad multipart request.", "badContent")
    meta_payload = parts[0].get_payload(decode=True)
    media = parts[1].get_payload(decode=True)
    meta_bytes = meta_payload if isinstance(meta_payload, bytes) else b"{}"
    media_bytes = media if isinstance(media, bytes) else b""
    return json.loads(meta_bytes.decode("utf-8") or "{}"), media_bytes, parts[1].get_content_type()


def _upload_parts(double: Double, req: Request) -> tuple[dict[str, Any], bytes | None, str | None]:
    kind = req.arg("uploadType")
    if kind == "multipart":
        return _parse_multipart(req)
    if kind == "media":
        return {}, req.body, req.header("Content-Type")
    if kind == "resumable":
        upload_id = req.arg("upload_id")
        if upload_id is None:
            raise _ResumableStart(req.json(), req.header("X-Upload-Content-Type"))
        session = double.uploads.get(upload_id)
        if session is None:
            raise drive_error(404, "Upload session not found.", "notFound")
        session["data"] += req.body
        content_range = req.header("Content-Range") or ""
        total = content_range.rsplit("/", 1)[-1] if "/" in content_range else str(len(session["data"]))
        if total != "*" and len(session["data"]) < int(total):
            raise _ResumableContinue(len(session["data"]))
        del double.uploads[upload_id]
        return session["meta"], session["data"], session["type"]
    return req.json(), None, None


class _ResumableStart(Exception):
    def __init__(self, meta: dict[str, Any], media_type: str | None) -> None:
        super().__init__("resumable start")
        self.meta = meta
        self.media_type = media_type


class _ResumableContinue(Exception):
    def __init__(self, received: int) -> None:
        super().__init__("resumable continue")
        self.received = received


def _resumable_start(double: Double, req: Request, start: _ResumableStart) -> Response:
    upload_id = double.new_id(24)
    double.uploads[upload_id] = {"meta": start.meta, "data": b"", "type": start.media_type}
    location = f"https://www.googleapis.com/upload/drive/v3/files?uploadType=resumable&upload_id={upload_id}"
    return Response(200, None, content=b"", headers={"Location": location, "X-GUploader-UploadID": upload_id})


def _resolve_parents(double: Double, req: Request, parents: list[str] | None) -> tuple[list[str], str | None]:
    if not parents:
        return ["root"], None
    drive_id: str | None = None
    for parent in parents:
        if parent in double.drives:
            drive_id = parent
        elif parent == "root":
            continue
        else:
            folder = double.files.get(parent)
            if folder is None or folder.mime_type != FOLDER:
                raise drive_not_found(parent)
            if folder.drive_id:
                drive_id = folder.drive_id
        if drive_id and not req.flag("supportsAllDrives") and not req.flag("supportsTeamDrives"):
            raise drive_not_found(parent)
    return list(parents), drive_id


def create(double: Double, req: Request) -> Response:
    try:
        meta, media, media_type = _upload_parts(double, req)
    except _ResumableStart as start:
        return _resumable_start(double, req, start)
    except _ResumableContinue as more:
        return Response(308, None, content=b"", headers={"Range": f"bytes=0-{more.received - 1}"})
    parents, drive_id = _resolve_parents(double, req, meta.get("parents"))
    mime = meta.get("mimeType") or media_type or "application/octet-stream"
    if double.service_account_without_storage and drive_id is None and mime != FOLDER:
        raise drive_error(403, SA_NO_STORAGE, "storageQuotaExceeded", domain="usageLimits")
    name = meta.get("name") or "Untitled"
    file_id = double.new_file_id()
    if mime == SHEET:
        rows = csv_rows(media) if media else None
        double.create_spreadsheet(
            name,
            sheets={"Sheet1": rows} if rows else None,
            file_id=file_id,
            parents=parents,
            drive_id=drive_id,
            app_created=True,
            user_entered=True,
        )
    elif mime == DOC:
        paragraphs: list[str] = []
        if media:
            if media_type == DOCX or media[:2] == b"PK":
                paragraphs = docx_paragraphs(media)
            else:
                paragraphs = media.decode("utf-8-sig").splitlines()
        double.create_document(name, paragraphs, file_id=file_id, parents=parents, drive_id=drive_id, app_created=True)
    else:
        double.add_file(
            DriveFile(
                id=file_id,
                name=name,
                mime_type=mime,
                created=double.now(),
                modified=double.now(),
                parents=parents,
                drive_id=drive_id,
                content=media if mime != FOLDER else None,
            )
        )
    f = double.files[file_id]
    for key in ("description", "starred"):
        if key in meta:
            setattr(f, key, meta[key])
    f.properties.update(meta.get("properties") or {})
    f.app_properties.update(meta.get("appProperties") or {})
    return ok(file_out(double, f, req))


def get(double: Double, req: Request) -> Response:
    f = double.visible_file(req.params["fileId"], req)
    if req.arg("alt") == "media":
        if f.mime_type.startswith("application/vnd.google-apps."):
            raise drive_error(
                403,
                "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
                "fileNotDownloadable",
                location="alt",
            )
        return Response(200, content=f.content or b"", headers={"Content-Type": f.mime_type})
    return ok(file_out(double, f, req))


def list_files(double: Double, req: Request) -> Response:
    predicate = compile_query(req.arg("q"))
    all_drives = req.flag("includeItemsFromAllDrives") or req.flag("includeTeamDriveItems")
    drive_id = req.arg("driveId") or req.arg("teamDriveId")
    corpora = req.arg("corpora") or ("drive" if drive_id else "user")
    if drive_id and not (req.flag("supportsAllDrives") or req.flag("supportsTeamDrives")):
        raise drive_error(
            403,
            "The attempted action requires shared drive support to be enabled.",
            "teamDrivesSupportRequired",
        )
    chosen = []
    for f in double.files.values():
        if double.drive_file_scope and not f.app_created:
            continue
        if f.id in double.denied:
            continue
        if corpora == "drive" and f.drive_id != drive_id:
            continue
        if f.drive_id and not all_drives and corpora != "drive":
            continue
        if predicate(f.query_view()):
            chosen.append(f)
    order = req.arg("orderBy")
    if order:
        for key in reversed([k.strip() for k in order.split(",")]):
            name, _, direction = key.partition(" ")
            attr = {
                "name": "name",
                "createdTime": "created",
                "modifiedTime": "modified",
                "folder": "mime_type",
            }.get(name)
            if attr:
                chosen.sort(key=lambda f, a=attr: getattr(f, a), reverse=direction == "desc")  # type: ignore[misc]
    size = min(int(req.arg("pageSize") or 100), 1000)
    start = int(req.arg("pageToken") or 0)
    page = chosen[start : start + size]
    out: dict[str, Any] = {"kind": "drive#fileList"}
    if start + size < len(chosen):
        out["nextPageToken"] = str(start + size)
    out["incompleteSearch"] = False
    full = bool(req.arg("fields"))
    out["files"] = [f.resource(double.user_email) if full else file_out(double, f, req) for f in page]
    return ok(out)


def copy(double: Double, req: Request) -> Response:
    source = double.visible_file(req.params["fileId"], req)
    meta = req.json()
    if "drive_copy_refused" in double.quirks:
        raise drive_error(403, f"The user has not granted the app {APP_ID} write access to the file {source.id}.",
                          "appNotAuthorizedToFile")
    if source.mime_type == FOLDER:
        raise drive_error(403, "The user does not have sufficient permissions for this file.", "cannotCopyFile")
    parents_in = meta.get("parents") or [p for p in source.parents] or None
    parents, drive_id = _resolve_parents(double, req, parents_in)
    if source.drive_id and not meta.get("parents"):
        drive_id = source.drive_id
    if double.service_account_without_storage and drive_id is None:
        raise drive_error(403, SA_NO_STORAGE, "storageQuotaExceeded", domain="usageLimits")
    name = meta.get("name") or f"Copy of {source.name}"
    new_id = double.new_file_id()
    if source.mime_type == SHEET:
        book = double.book(source.id).clone()
        book.spreadsheet_id = new_id
        book.props["title"] = name
        double.spreadsheets[new_id] = book
    elif source.mime_type == DOC:
        double.documents[new_id] = double.documents[source.id].clone(new_id, name)
    f = DriveFile(
        id=new_id,
        name=name,
        mime_type=source.mime_type,
        created=double.now(),
        modified=double.now(),
        parents=parents,
        drive_id=drive_id,
        content=source.content,
        description=meta.get("description"),
        properties=dict(meta.get("properties") or {}),
        app_properties=dict(meta.get("appProperties") or {}),
    )
    double.add_file(f)
    return ok(file_out(double, f, req))


def update(double: Double, req: Request) -> Response:
    f = double.visible_file(req.params["fileId"], req)
    if req.arg("uploadType") in ("multipart", "media"):
        meta, media, _ = _upload_parts(double, req)
        if media is not None:
            if f.mime_type == DOC:
                paragraphs = docx_paragraphs(media) if media[:2] == b"PK" else media.decode("utf-8-sig").splitlines()
                double.documents[f.id].set_text("\n".join(paragraphs) + "\n")
            else:
                f.content = media
    else:
        meta = req.json()
    if "name" in meta:
        f.name = meta["name"]
    for key in ("description", "starred", "trashed"):
        if key in meta:
            setattr(f, key, meta[key])
    f.properties.update(meta.get("properties") or {})
    f.app_properties.update(meta.get("appProperties") or {})
    add = [p for p in (req.arg("addParents") or "").split(",") if p]
    remove = [p for p in (req.arg("removeParents") or "").split(",") if p]
    if add:
        _resolve_parents(double, req, add)
    f.parents = [p for p in f.parents if p not in remove] + [p for p in add if p not in f.parents]
    if f.mime_type == SHEET and "name" in meta:
        double.book(f.id).props["title"] = f.name
    if f.mime_type == DOC and "name" in meta:
        double.documents[f.id].title = f.name
    f.modified = double.now()
    return ok(file_out(double, f, req))


def delete(double: Double, req: Request) -> Response:
    f = double.visible_file(req.params["fileId"], req)
    double.remove_file(f.id)
    return Response(204, None)


def export(double: Double, req: Request) -> Response:
    f = double.visible_file(req.params["fileId"], req)
    mime = req.arg("mimeType")
    if not mime:
        raise drive_error(400, "Required parameter: mimeType", "required", location="mimeType")
    if f.mime_type == DOC:
        doc = double.documents[f.id]
        lines = doc.text[:-1].split("\n")
        if mime == "text/plain":
            data = doc.text.encode("utf-8")
        elif mime == "application/pdf":
            data = pdf_bytes(lines)
        elif mime == DOCX:
            data = docx_bytes(lines)
        else:
            raise drive_error(400, "The requested conversion is not supported.", "badRequest", location="convertTo")
    elif f.mime_type == SHEET:
        book = double.book(f.id)
        sheet = book.ordered()[0]
        rows = read_values(book, sheet, (0, sheet.rows, 0, sheet.cols))
        if mime == "text/csv":
            data = csv_text(rows).encode("utf-8")
        elif mime == "text/tab-separated-values":
            data = csv_text(rows, "\t").encode("utf-8")
        elif mime == "application/pdf":
            data = pdf_bytes([", ".join(str(v) for v in row) for row in rows])
        else:
            raise drive_error(400, "The requested conversion is not supported.", "badRequest", location="convertTo")
    else:
        raise drive_error(403, "Export only supports Docs Editors files.", "fileNotExportable")
    if len(data) > EXPORT_LIMIT:
        raise drive_error(403, "This file is too large to be exported.", "exportSizeLimitExceeded")
    return Response(200, content=data, headers={"Content-Type": mime})


# ------------------------------------------------------------- permissions


def _permission_out(p: dict[str, Any], req: Request) -> dict[str, Any]:
    if req.arg("fields"):
        return dict(p)
    return {k: p[k] for k in ("kind", "id", "type", "role", "allowFileDiscovery") if k in p}


def permission_create(double: Double, req: Request) -> Response:
    f = double.visible_file(req.params["fileId"], req)
    body = req.json()
    kind, role = body.get("type"), body.get("role")
    if kind not in TYPES:
        raise drive_error(400, "Invalid permission type specified", "invalid", location="permission.type")
    if role not in ROLES:
        raise drive_error(400, "Invalid permission role specified", "invalid", location="permission.role")
    if kind in ("user", "group") and not body.get("emailAddress"):
        raise drive_error(400, "Permission type requires an email address.", "required", location="emailAddress")
    if kind == "domain" and not body.get("domain"):
        raise drive_error(400, "Permission type requires a domain.", "required", location="domain")
    perm: dict[str, Any] = {"kind": "drive#permission", "type": kind, "role": role}
    if kind == "anyone":
        discoverable = bool(body.get("allowFileDiscovery"))
        perm["id"] = "anyone" if discoverable else "anyoneWithLink"
        perm["allowFileDiscovery"] = discoverable
    elif kind == "domain":
        perm["id"] = double.new_numeric_id()
        perm["domain"] = body["domain"]
        perm["allowFileDiscovery"] = bool(body.get("allowFileDiscovery"))
    else:
        perm["id"] = double.new_numeric_id()
        perm["emailAddress"] = body["emailAddress"]
        perm["displayName"] = body["emailAddress"].split("@")[0]
    perm["deleted"] = False
    perm["pendingOwner"] = False
    f.permissions = [p for p in f.permissions if p["id"] != perm["id"]] + [perm]
    double.permission_log.append((f.id, dict(perm)))
    return ok(_permission_out(perm, req))


def permission_list(double: Double, req: Request) -> Response:
    f = double.visible_file(req.params["fileId"], req)
    return ok({"kind": "drive#permissionList", "permissions": [_permission_out(p, req) for p in f.permissions]})


def permission_get(double: Double, req: Request) -> Response:
    f = double.visible_file(req.params["fileId"], req)
    for p in f.permissions:
        if p["id"] == req.params["permissionId"]:
            return ok(_permission_out(p, req))
    raise drive_error(404, f"Permission not found: {req.params['permissionId']}.", "notFound", location="permissionId")


def permission_delete(double: Double, req: Request) -> Response:
    f = double.visible_file(req.params["fileId"], req)
    before = len(f.permissions)
    f.permissions = [p for p in f.permissions if p["id"] != req.params["permissionId"]]
    if len(f.permissions) == before:
        raise drive_error(
            404, f"Permission not found: {req.params['permissionId']}.", "notFound", location="permissionId"
        )
    return Response(204, None)


# ------------------------------------------------------------ comments, drives


def comment_list(double: Double, req: Request) -> Response:
    f = double.visible_file(req.params["fileId"], req)
    return ok({"kind": "drive#commentList", "comments": [dict(c) for c in f.comments]})


def comment_create(double: Double, req: Request) -> Response:
    f = double.visible_file(req.params["fileId"], req)
    body = req.json()
    comment = {
        "kind": "drive#comment",
        "id": double.new_id(12),
        "content": body.get("content", ""),
        "createdTime": double.now(),
        "modifiedTime": double.now(),
        "deleted": False,
        "resolved": False,
    }
    if "anchor" in body:
        comment["anchor"] = body["anchor"]
    f.comments.append(comment)
    return ok(comment)


def drive_get(double: Double, req: Request) -> Response:
    drive = double.drives.get(req.params["driveId"])
    if drive is None:
        raise drive_error(404, f"Shared drive not found: {req.params['driveId']}", "notFound", location="driveId")
    return ok(dict(drive))


def drive_list(double: Double, req: Request) -> Response:
    return ok({"kind": "drive#driveList", "drives": [dict(d) for d in double.drives.values()]})
