"""Admin pages of the retraining loop: start, follow and cancel a training run; the model
registry; the candidate-vs-active comparison; activation behind the gate and rollback.

Training runs in its own process group (bot/models_registry/trainer.py) at low priority; the
console only starts it, reads its progress from Redis and can kill its group. City and
district staff get 403 on every page and API here (`admin_only`).
"""
from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import signal
import sys
import time
from dataclasses import asdict
from pathlib import Path

import aiohttp_jinja2
from aiohttp import web

from bot.console.appkeys import AUDIT, REDIS, SETTINGS
from bot.console.auth import admin_only, client_address, current_account
from bot.console.responses import Refusal, wants_json
from bot.console.sessions import get_session
from bot.models_registry import charts
from bot.models_registry.gate import override_reason
from bot.models_registry.lock import TrainingLock
from bot.models_registry.progress_store import RUNNING, ProgressStore
from bot.models_registry.registry import ModelRegistry, RegistryError
from bot.redis_keys import RedisKeys
from bot.settings import ROOT

TRAINER_MODULE = "bot.models_registry.trainer"
NICENESS = 10  # as bot/models_registry/trainer.py: the live bot keeps the CPU
KILL_GRACE_SECONDS = 5
_children: set = set()  # reaper tasks of started trainers (kept so they are not collected)
BUSY = "已有一个训练正在进行，请等它结束或先取消。"


def _keys(request: web.Request) -> RedisKeys:
    return RedisKeys(request.app[SETTINGS].key_prefix)


def registry_of(request: web.Request) -> ModelRegistry:
    return ModelRegistry(request.app[REDIS], _keys(request))


def _progress(request: web.Request) -> ProgressStore:
    return ProgressStore(request.app[REDIS], _keys(request))


def _lock(request: web.Request) -> TrainingLock:
    return TrainingLock(request.app[REDIS], _keys(request))


def _config_name(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


# --- training ---------------------------------------------------------------------------------
@admin_only
async def training_page(request: web.Request) -> web.StreamResponse:
    return aiohttp_jinja2.render_template("training.html", request, {
        "progress": await _progress(request).view(),
        "config": _config_name(request.app[SETTINGS].training_config),
    })


@admin_only
async def training_api(request: web.Request) -> web.StreamResponse:
    return web.json_response(await _progress(request).view())


async def _spawn_trainer(request: web.Request, run_id: str, actor: str) -> int:
    settings = request.app[SETTINGS]
    logs = settings.var_dir / "training"
    logs.mkdir(parents=True, exist_ok=True)
    # subprocess.Popen, not asyncio.create_subprocess_exec: the latter needs the loop policy's
    # child watcher, which uvloop's policy (installed by Rasa/Sanic imports) does not implement.
    # The fork/exec returns at once; the reaper waits in a thread.
    with open(logs / f"{run_id}.log", "ab") as log:
        process = subprocess.Popen(
            # Low priority from the first instruction (importing TensorFlow alone takes a core for seconds).
            ["nice", "-n", str(NICENESS), sys.executable, "-m", TRAINER_MODULE, "--run", run_id, "--by", actor],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            start_new_session=True)  # its own process group: cancel kills rasa train with it
    reaper = asyncio.get_running_loop().create_task(asyncio.to_thread(process.wait))
    _children.add(reaper)
    reaper.add_done_callback(_children.discard)
    return process.pid


@admin_only
async def start_training(request: web.Request) -> web.StreamResponse:
    admin = current_account(request)
    run_id = secrets.token_hex(6)
    if not await _lock(request).acquire(run_id):
        raise Refusal(409, "training_running", BUSY)
    settings = request.app[SETTINGS]
    progress = _progress(request)
    await progress.start(run_id, admin.username, _config_name(settings.training_config))
    try:
        pid = await _spawn_trainer(request, run_id, admin.username)
    except OSError:
        await _lock(request).release(run_id)
        await progress.update(run_id, stage="failed", error="无法启动训练进程")
        raise
    await progress.update(run_id, pgid=pid)
    await request.app[AUDIT].record(admin.username, "start_training", f"training:{run_id}", client_address(request),
                                    config=_config_name(settings.training_config))
    if wants_json(request):
        return web.json_response({"run_id": run_id}, status=202)
    get_session(request).flash("训练已开始，可在本页查看进度。")
    raise web.HTTPSeeOther("/admin/training")


def _is_trainer(pgid: int) -> bool:
    """The process group leader is our trainer (not a recycled pid of something else)."""
    try:
        return TRAINER_MODULE.encode() in Path(f"/proc/{pgid}/cmdline").read_bytes()
    except OSError:
        return False


async def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(KILL_GRACE_SECONDS * 10):
        await asyncio.sleep(0.1)
        if not _is_trainer(pgid):
            return
    try:
        os.killpg(pgid, signal.SIGKILL)  # TensorFlow may ignore SIGTERM while busy
    except ProcessLookupError:
        pass


@admin_only
async def cancel_training(request: web.Request) -> web.StreamResponse:
    admin = current_account(request)
    store = _progress(request)
    raw = await store.raw()
    run_id = raw.get("run_id", "")
    if not run_id or raw.get("stage") not in RUNNING:
        raise Refusal(409, "not_running", "当前没有正在进行的训练。")
    pgid = int(raw.get("pgid") or 0)
    if pgid and _is_trainer(pgid):
        await _kill_group(pgid)
    await store.update(run_id, stage="cancelled", finished_at=time.time(), error=f"由 {admin.username} 取消")
    await _lock(request).release(run_id)
    await request.app[AUDIT].record(admin.username, "cancel_training", f"training:{run_id}", client_address(request))
    if wants_json(request):
        return web.json_response({"run_id": run_id, "stage": "cancelled"})
    get_session(request).flash("训练已取消。")
    raise web.HTTPSeeOther("/admin/training")


# --- registry, comparison, activation -----------------------------------------------------------
@admin_only
async def models_page(request: web.Request) -> web.StreamResponse:
    registry = registry_of(request)
    return aiohttp_jinja2.render_template("models.html", request, {
        "models": await registry.list(), "active": await registry.active() or {},
        "activations": await registry.activations(50), "kept": request.app[SETTINGS].models_kept,
    })


@admin_only
async def models_api(request: web.Request) -> web.StreamResponse:
    registry = registry_of(request)
    return web.json_response({"active": await registry.active(), "models": [asdict(m) for m in await registry.list()],
                              "activations": [asdict(a) for a in await registry.activations(50)]})


async def _model_or_404(request: web.Request):
    model = await registry_of(request).get(request.match_info["model_id"])
    if model is None:
        raise Refusal(404, "not_found", "没有这个模型。")
    return model


@admin_only
async def model_page(request: web.Request) -> web.StreamResponse:
    model = await _model_or_404(request)
    registry = registry_of(request)
    comparison = await registry.comparison(model.id)
    pictures = {}
    if comparison:
        pictures = {"confusion": charts.confusion_svg(comparison["confusion"]["labels"], comparison["confusion"]["matrix"]),
                    "histogram": charts.histogram_svg(comparison["histogram"]["candidate"],
                                                      comparison["histogram"]["active"])}
    return aiohttp_jinja2.render_template("model.html", request, {
        "model": model, "comparison": comparison, "pictures": pictures, "active": await registry.active() or {},
        "served_before": any(a.model == model.id for a in await registry.activations(1000)),
    })


@admin_only
async def activate(request: web.Request) -> web.StreamResponse:
    """Activate a model. A model that served before is a rollback (one click, no gate: its
    behaviour is known); a new model must pass the gate, or carry an admin's written reason."""
    admin = current_account(request)
    model = await _model_or_404(request)
    registry = registry_of(request)
    form = await request.post()
    served_before = any(a.model == model.id for a in await registry.activations(1000))
    raw_reason = str(form.get("reason", ""))
    reason = override_reason(raw_reason)
    override = False
    if served_before:
        kind, why = "rollback", reason or "回滚到之前使用过的模型"
    elif model.gate_passed:
        kind, why = "activate", reason or "通过回归检查"
    elif reason is None:
        raise Refusal(409, "gate_refused", "该模型未通过回归检查（见比较页），不能直接启用。"
                                           "如确需启用，请填写至少 10 个字的理由（将记入操作日志）。")
    else:
        kind, why, override = "activate", reason, True
    try:
        entry = await registry.activate(model.id, admin.username, why, kind=kind, override=override)
    except RegistryError:
        raise Refusal(404, "not_found", "没有这个模型。") from None
    await request.app[AUDIT].record(admin.username, "rollback_model" if kind == "rollback" else "activate_model",
                                    f"model:{model.id}", client_address(request), previous=entry.previous,
                                    reason=why, override=override)
    if wants_json(request):
        return web.json_response({"active": model.id, "previous": entry.previous, "kind": kind, "override": override})
    seconds = request.app[SETTINGS].model_pull_seconds
    get_session(request).flash(f"已启用模型 {model.id}，各 Rasa 进程将在 {seconds} 秒左右内切换。")
    raise web.HTTPSeeOther("/admin/models")
