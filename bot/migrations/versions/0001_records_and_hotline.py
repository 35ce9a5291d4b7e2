"""Records tables, handoff tickets and hotline call state.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Search on PostgreSQL ranks with ts_rank over this expression (bot/records/search.py uses the same one).
SEARCH_VECTOR = "(setweight(to_tsvector('simple', names), 'A') || setweight(to_tsvector('simple', tokens), 'B'))"


def upgrade() -> None:
    op.create_table(
        "districts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
    )
    op.create_table(
        "services",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False, unique=True),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("eligibility", sa.Text(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("where", sa.Text(), nullable=False),
        sa.Column("online", sa.Text(), nullable=False),
        sa.Column("time_limit", sa.Text(), nullable=False),
        sa.Column("fee", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_services_category", "services", ["category"])
    op.create_table(
        "offices",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("district", sa.String(64), sa.ForeignKey("districts.name"), nullable=False),
        sa.Column("address", sa.Text()),
        sa.Column("hours", sa.Text()),
        sa.Column("phone", sa.String(64)),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_offices_district", "offices", ["district"])
    op.create_table(
        "plan_items",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(128), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("parent_id", sa.String(64), sa.ForeignKey("plan_items.id")),
        sa.Column("department", sa.String(64)),
        sa.Column("year", sa.Integer()),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("source_passage", sa.Text(), nullable=False),
    )
    op.create_index("ix_plan_items_kind", "plan_items", ["kind"])
    op.create_table(
        "plan_figures",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.String(64), sa.ForeignKey("plan_items.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(128), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(32)),
        sa.Column("qualifier", sa.String(32)),
        sa.Column("as_written", sa.String(64), nullable=False),
    )
    op.create_index("ix_plan_figures_item_id", "plan_figures", ["item_id"])
    op.create_index("ix_plan_figures_metric", "plan_figures", ["metric"])
    op.create_table(
        "faq",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_faq_topic", "faq", ["topic"])
    op.create_table(
        "build_info",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("built_at", sa.String(32), nullable=False),
        sa.Column("records_digest", sa.String(64), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
    )
    op.create_table(
        "terms",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("term", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("canonical", sa.String(128), nullable=False),
    )
    op.create_index("ix_terms_term", "terms", ["term"])
    op.create_table(
        "search_docs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(128), nullable=False),
        sa.Column("labels", sa.Text(), nullable=False),
        sa.Column("names", sa.Text(), nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        # SQLite's full-text index (an FTS5 table) holds content, so every build makes it anew instead.
        op.execute(f"CREATE INDEX search_docs_tsv ON search_docs USING GIN ({SEARCH_VECTOR})")
    op.create_table(
        "handoff_tickets",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("intents", sa.JSON(), nullable=False),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("conversation_started_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_handoff_tickets_status", "handoff_tickets", ["status"])
    op.create_index("ix_handoff_tickets_sender_id", "handoff_tickets", ["sender_id"])
    op.create_index("ix_handoff_tickets_created_at", "handoff_tickets", ["created_at"])
    op.create_table(
        "hotline_calls",
        sa.Column("call_id", sa.String(64), primary_key=True),
        sa.Column("silences", sa.Integer(), nullable=False),
        sa.Column("pending_text", sa.Text()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "hotline_calls",
        "handoff_tickets",
        "search_docs",
        "terms",
        "build_info",
        "faq",
        "plan_figures",
        "plan_items",
        "offices",
        "services",
        "districts",
    ):
        op.drop_table(table)
