"""Every URL of the console, in one flat list."""
from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.console import auth, views_admin, views_appeals, views_conversation, views_orders, views_privacy, views_queue
from bot.console import views_insight, views_insight_warnings
from bot.console import views_inbox

from bot.console import views_canned  # staff work-order basics (canned replies); own line for merges
from bot.console import views_model_server, views_models
from bot.console import views_call_backs, views_filing  # issue 14: 工单录入 and 回访 by phone
from bot.console import views_answers


async def healthz(request: web.Request) -> web.StreamResponse:
    return web.json_response({"status": "ok"})


def setup_routes(app: web.Application, static_dir: Path) -> None:
    app.add_routes([
        web.get("/login", auth.login_form, name="login_form"),
        web.post("/login", auth.login, name="login"),
        web.post("/logout", auth.logout, name="logout"),
        web.get("/healthz", healthz, name="healthz"),

        web.get("/", views_queue.queue_page, name="queue"),
        web.get("/api/queue", views_queue.queue_api, name="api_queue"),

        web.get("/conversations/{openid}", views_conversation.conversation_page, name="conversation"),
        web.post("/conversations/{openid}/take", views_conversation.take_over, name="take_over"),
        web.post("/conversations/{openid}/reply", views_conversation.reply, name="reply"),
        web.post("/conversations/{openid}/handback", views_conversation.hand_back, name="hand_back"),
        web.post("/conversations/{openid}/reveal", views_conversation.reveal_phone, name="conversation_reveal"),
        web.get("/api/conversations/{openid}", views_conversation.conversation_api, name="api_conversation"),
        web.post("/api/conversations/{openid}/take", views_conversation.take_over, name="api_take_over"),
        web.post("/api/conversations/{openid}/reply", views_conversation.reply, name="api_reply"),
        web.post("/api/conversations/{openid}/handback", views_conversation.hand_back, name="api_hand_back"),

        web.get("/appeals", views_appeals.search, name="appeals"),
        # 工单录入 (views_filing): before /appeals/{ticket}, which would take "new" for a ticket.
        web.get("/appeals/new", views_filing.new_form, name="appeal_new"),
        web.post("/appeals/new", views_filing.file_appeal, name="appeal_file"),
        web.get("/appeals/{ticket}", views_appeals.appeal_view, name="appeal"),
        web.post("/appeals/{ticket}/transition", views_appeals.transition, name="appeal_transition"),
        web.post("/appeals/{ticket}/notes", views_appeals.add_note, name="appeal_note"),
        web.post("/appeals/{ticket}/revisit", views_appeals.record_revisit, name="appeal_revisit"),
        web.post("/appeals/{ticket}/reveal", views_appeals.reveal_phone, name="appeal_reveal"),
        web.get("/api/appeals/{ticket}", views_appeals.appeal_api, name="api_appeal"),
        web.post("/api/appeals/{ticket}/transition", views_appeals.transition, name="api_appeal_transition"),
        web.post("/api/appeals/{ticket}/reveal", views_appeals.reveal_phone, name="api_appeal_reveal"),
        web.get("/media/{media_id}", views_appeals.media, name="media"),

        # Staff work orders (工单): correct, assign, 转办, 重办, merge; "我的"; export.
        web.post("/appeals/{ticket}/edit", views_orders.edit_field, name="appeal_edit"),
        web.post("/appeals/{ticket}/assign", views_orders.assign, name="appeal_assign"),
        web.post("/appeals/{ticket}/transfer", views_orders.transfer, name="appeal_transfer"),
        web.post("/appeals/{ticket}/reopen", views_orders.reopen, name="appeal_reopen"),
        web.post("/appeals/{ticket}/merge", views_orders.merge, name="appeal_merge"),
        web.get("/mine", views_orders.mine, name="mine"),
        web.get("/export/appeals.csv", views_orders.export, name="appeals_export"),

        web.get("/account/password", views_admin.password_form, name="password_form"),
        web.post("/account/password", views_admin.change_password, name="password"),
        web.get("/admin/accounts", views_admin.accounts_page, name="accounts"),
        web.get("/admin/personal-data", views_privacy.personal_data_page, name="personal_data"),
        web.post("/admin/personal-data/export", views_privacy.export, name="personal_data_export"),
        web.post("/admin/personal-data/erase", views_privacy.erase, name="personal_data_erase"),
        web.post("/admin/accounts", views_admin.create_account, name="account_create"),
        web.post("/admin/accounts/{username}/active", views_admin.set_active, name="account_active"),
        web.post("/admin/accounts/{username}/password", views_admin.reset_password, name="account_password"),
        web.get("/admin/audit", views_admin.audit_page, name="audit"),

        # --- insight (issue 15): overview, map, 考核, reports, early warnings ---
        web.get("/insight", views_insight.overview_page, name="insight"),
        web.get("/insight/map", views_insight.map_page, name="insight_map"),
        web.get("/insight/assessment", views_insight.assessment_page, name="insight_assessment"),
        web.get("/insight/report", views_insight.report_page, name="insight_report"),
        web.get("/insight/report.xlsx", views_insight.report_xlsx, name="insight_report_xlsx"),
        web.get("/insight/warnings", views_insight_warnings.warnings_page, name="insight_warnings"),
        web.get("/insight/warnings/{warning_id}", views_insight_warnings.warning_page, name="insight_warning"),
        web.post("/insight/warnings/{warning_id}/ack", views_insight_warnings.acknowledge, name="insight_ack"),
        web.get("/api/insight/overview", views_insight.overview_api, name="api_insight_overview"),
        web.get("/api/insight/map", views_insight.map_api, name="api_insight_map"),
        web.get("/api/insight/assessment", views_insight.assessment_api, name="api_insight_assessment"),
        web.get("/api/insight/warnings", views_insight_warnings.warnings_api, name="api_insight_warnings"),
        web.get("/api/insight/warnings/{warning_id}", views_insight_warnings.warning_api, name="api_insight_warning"),
        web.post("/api/insight/warnings/{warning_id}/ack", views_insight_warnings.acknowledge, name="api_insight_ack"),

        # NLU inbox (issue 12, admins only): captured messages, annotations, export to training data.
        web.get("/admin/nlu-inbox", views_inbox.inbox_page, name="nlu_inbox"),
        web.post("/admin/nlu-inbox/export", views_inbox.export_form, name="nlu_inbox_export"),
        web.get("/api/nlu-inbox", views_inbox.inbox_api, name="api_nlu_inbox"),
        web.post("/api/nlu-inbox/annotations", views_inbox.annotate_api, name="api_nlu_annotate"),
        web.post("/api/nlu-inbox/export", views_inbox.export_api, name="api_nlu_export"),
        # Retraining, the model registry and Rasa's model server (issue 12, bot/models_registry).
        web.get("/admin/training", views_models.training_page, name="training"),
        web.post("/admin/training", views_models.start_training, name="training_start"),
        web.post("/admin/training/cancel", views_models.cancel_training, name="training_cancel"),
        web.get("/api/training", views_models.training_api, name="api_training"),
        web.post("/api/training", views_models.start_training, name="api_training_start"),
        web.post("/api/training/cancel", views_models.cancel_training, name="api_training_cancel"),
        web.get("/admin/models", views_models.models_page, name="models"),
        web.get("/api/models", views_models.models_api, name="api_models"),
        web.get("/admin/models/{model_id}", views_models.model_page, name="model"),
        web.post("/admin/models/{model_id}/activate", views_models.activate, name="model_activate"),
        web.post("/api/models/{model_id}/activate", views_models.activate, name="api_model_activate"),
        web.get("/api/model-server/model.tar.gz", views_model_server.model_file, name="model_server"),

        web.static("/static", static_dir, name="static"),
    ])
    # Staff work-order basics (queue filters live on "/" and /api/queue): notes, canned replies.
    app.add_routes([
        web.post("/conversations/{openid}/notes", views_conversation.add_note, name="conversation_note"),
        web.post("/api/conversations/{openid}/notes", views_conversation.add_note, name="api_conversation_note"),
        web.get("/admin/canned-replies", views_canned.canned_page, name="canned_replies"),
        web.post("/admin/canned-replies", views_canned.create, name="canned_reply_create"),
        web.post("/admin/canned-replies/{reply_id}", views_canned.edit, name="canned_reply_edit"),
        web.post("/admin/canned-replies/{reply_id}/delete", views_canned.delete, name="canned_reply_delete"),
    ])
    # 回访 by phone (views_call_backs): notices callers could not receive, for staff to call back.
    app.add_routes([
        web.get("/callbacks", views_call_backs.call_backs_page, name="call_backs"),
        web.post("/callbacks/{ticket}/done", views_call_backs.mark_done, name="call_back_done"),
        web.post("/callbacks/{ticket}/reveal", views_call_backs.reveal_phone, name="call_back_reveal"),
    ])
    # FAQ answers edited by admins, versioned, live without training (issue 12).
    app.add_routes([
        web.get("/admin/answers", views_answers.answers_page, name="answers"),
        web.get("/admin/answers/new", views_answers.new_topic_page, name="answer_new"),
        web.post("/admin/answers/new", views_answers.add_topic, name="answer_add"),
        web.get("/admin/answers/{topic}", views_answers.answer_page, name="answer"),
        web.post("/admin/answers/{topic}", views_answers.save_answer, name="answer_save"),
        web.post("/admin/answers/{topic}/versions/{number}/restore", views_answers.restore_version,
                 name="answer_restore"),
    ])
