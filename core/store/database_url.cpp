#include "database_url.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUrl>
#include <QUrlQuery>

#include <optional>

namespace listinglens {

Result<DatabaseUrl> DatabaseUrl::parse(const QString &text)
{
    const QString t = text.trimmed();
    DatabaseUrl u;
    if (t.startsWith(QLatin1String("sqlite:"))) {
        u.kind = Kind::Sqlite;
        u.path = t.mid(7);
        if (u.path.startsWith(QLatin1String("//")))
            u.path = QUrl(t).toLocalFile();
        if (u.path.isEmpty())
            return Error{ErrorCode::InvalidArgument, QStringLiteral("sqlite: needs a file path, e.g. sqlite:/var/lib/listinglens/history.sqlite")};
        return u;
    }
    if (t.startsWith(QLatin1String("postgresql://")) || t.startsWith(QLatin1String("postgres://"))) {
        const QUrl url(t, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty())
            return Error{ErrorCode::InvalidArgument, QStringLiteral("not a valid PostgreSQL URL (postgresql://user:password@host:port/dbname)")};
        u.kind = Kind::Postgres;
        u.host = url.host();
        u.port = url.port(5432);
        u.user = url.userName(QUrl::FullyDecoded);
        u.password = url.password(QUrl::FullyDecoded);
        u.database = url.path().mid(1);
        if (u.database.isEmpty())
            return Error{ErrorCode::InvalidArgument, QStringLiteral("the PostgreSQL URL names no database (postgresql://user@host/dbname)")};
        QStringList options;
        const QUrlQuery query(url);
        for (const auto &item : query.queryItems(QUrl::FullyDecoded)) {
            static const QStringList allowed = {QStringLiteral("sslmode"), QStringLiteral("connect_timeout"),
                                                QStringLiteral("application_name"), QStringLiteral("sslrootcert")};
            if (!allowed.contains(item.first))
                return Error{ErrorCode::InvalidArgument, QStringLiteral("unknown PostgreSQL URL option \"%1\"").arg(item.first)};
            options << item.first + QLatin1Char('=') + item.second;
        }
        u.options = options.join(QLatin1Char(';'));
        return u;
    }
    return Error{ErrorCode::InvalidArgument,
                 QStringLiteral("unknown database URL \"%1\" (use sqlite:PATH or postgresql://user:password@host:port/dbname)")
                     .arg(t.section(QLatin1Char(':'), 0, 0))};
}

QString DatabaseUrl::masked() const
{
    if (kind == Kind::Sqlite)
        return QStringLiteral("sqlite:") + path;
    QString s = QStringLiteral("postgresql://");
    if (!user.isEmpty())
        s += user + (password.isEmpty() ? QString() : QStringLiteral(":***")) + QLatin1Char('@');
    s += host + QLatin1Char(':') + QString::number(port) + QLatin1Char('/') + database;
    if (!options.isEmpty())
        s += QLatin1Char('?') + QString(options).replace(QLatin1Char(';'), QLatin1Char('&'));
    return s;
}

QString DatabaseUrl::shortName() const
{
    return kind == Kind::Sqlite ? QFileInfo(path).fileName() : host + QLatin1Char('/') + database;
}

QString DatabaseUrl::driver() const
{
    return kind == Kind::Sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL");
}

QString defaultDatabaseUrl()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (dir.isEmpty())
        dir = QDir::homePath() + QStringLiteral("/.local/share/listinglens");
    return QStringLiteral("sqlite:") + QDir(dir).filePath(QStringLiteral("listinglens.sqlite"));
}

namespace {

std::optional<QUrl> postgresUrl(const QString &url)
{
    const QString t = url.trimmed();
    if (!t.startsWith(QLatin1String("postgresql://")) && !t.startsWith(QLatin1String("postgres://")))
        return std::nullopt;
    QUrl u(t, QUrl::StrictMode);
    if (!u.isValid())
        return std::nullopt;
    return u;
}

} // namespace

bool isPostgresUrl(const QString &url)
{
    return postgresUrl(url).has_value();
}

QString databasePassword(const QString &url)
{
    const auto u = postgresUrl(url);
    return u ? u->password(QUrl::FullyDecoded) : QString();
}

QString databaseUrlWithoutPassword(const QString &url)
{
    auto u = postgresUrl(url);
    if (!u || u->password().isEmpty())
        return url.trimmed();
    u->setPassword(QString());
    return u->toString();
}

QString databaseUrlWithPassword(const QString &url, const QString &password)
{
    if (password.isEmpty())
        return databaseUrlWithoutPassword(url);
    auto u = postgresUrl(url);
    if (!u)
        return url.trimmed();
    u->setPassword(password, QUrl::DecodedMode);
    return u->toString();
}

} // namespace listinglens
