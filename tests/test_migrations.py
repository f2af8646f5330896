"""The Alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.extensions import db


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        assert compare_metadata(context, db.metadata) == []


def test_documents_stored_before_labels_existed_get_them_on_upgrade(tmp_path, monkeypatch, pdf_pool):
    """Upgrading computes the printed labels of paragraphs already in the database."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from composition.app import MIGRATIONS_DIR, create_app

    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    app = create_app({"TESTING": True, "AUTO_MIGRATE": False, "PREWARM_PAGES": False})
    app.extensions["documents"].pool.close()
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision="b83903f8781c")
        texts = ["TỜ TRÌNH", "Điều 2. Nhiệm vụ", "1. Đầu tư thiết bị", "a) Lắp đặt mạng"]
        with db.engine.begin() as connection:
            connection.execute(sa.text("PRAGMA foreign_keys=OFF"))
            for number, text in enumerate(texts, start=1):
                connection.execute(
                    sa.text(
                        "INSERT INTO paragraphs (document_id, number, page, x0, y0, x1, y1, kind, text,"
                        " parts) VALUES (7, :number, 1, 0, 0, 1, 1, 'body', :text, '[]')"
                    ),
                    {"number": number, "text": text},
                )
        upgrade(directory=str(MIGRATIONS_DIR))
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT label, path FROM paragraphs ORDER BY number")).all()
        db.engine.dispose()
    assert [row.label for row in rows] == [None, "2", "1", "a"]
    assert rows[3].path == '{"dieu": "2", "khoan": "1", "diem": "a"}'
