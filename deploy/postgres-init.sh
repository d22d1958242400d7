#!/bin/sh
# Run once by the postgres image when its data folder is new: the app's own role, which owns nothing (the
# migrations, run as the owner POSTGRES_USER, grant it row reads and writes only).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE highlight_app LOGIN PASSWORD :'app_password';
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
