#include "database_url.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <optional>

namespace listinglens {

namespace {

Error badOption(const QString &name, const QString &what)
{
    return {ErrorCode::InvalidArgument, QStringLiteral("the PostgreSQL URL option %1 must be %2").arg(name, what)};
}

// The options a URL may carry, each with the values it may take. Values are
// quoted in connectOptions() besides; these checks keep them to what the
// option means (an application name cannot hold "sslmode=disable").
std::optional<Error> checkOption(const QString &name, const QString &value)
{
    static const QStringList sslModes = {QStringLiteral("disable"), QStringLiteral("allow"), QStringLiteral("prefer"),
                                         QStringLiteral("require"), QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
    static const QRegularExpression applicationName(QStringLiteral("^[A-Za-z0-9 ._:/@+,()-]{1,63}$"));
    static const QRegularExpression path(QStringLiteral("^[^\\x00-\\x1f\\x7f;]{1,4096}$"));
    if (name == QLatin1String("sslmode"))
        return sslModes.contains(value) ? std::nullopt : std::optional(badOption(name, sslModes.join(QStringLiteral(", "))));
    if (name == QLatin1String("connect_timeout")) {
        bool ok = false;
        const int seconds = value.toInt(&ok);
        return ok && seconds >= 1 && seconds <= 3600 && value == QString::number(seconds)
                   ? std::nullopt
                   : std::optional(badOption(name, QStringLiteral("a whole number of seconds from 1 to 3600")));
    }
    if (name == QLatin1String("application_name"))
        return applicationName.match(value).hasMatch()
                   ? std::nullopt
                   : std::optional(badOption(name, QStringLiteral("1 to 63 letters, digits, spaces and . _ : / @ + , ( ) -")));
    if (name == QLatin1String("sslrootcert"))
        return path.match(value).hasMatch() ? std::nullopt
                                            : std::optional(badOption(name, QStringLiteral("a file path without control characters or ;")));
    return Error{ErrorCode::InvalidArgument,
                 QStringLiteral("unknown PostgreSQL URL option \"%1\" (known: sslmode, connect_timeout, application_name, sslrootcert)")
                     .arg(name.left(64))};
}

// A value as libpq's connection string reads it: in single quotes, with
// backslashes and quotes escaped.
QString conninfoQuoted(QString value)
{
    value.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('\''), QStringLiteral("\\'"));
    return QLatin1Char('\'') + value + QLatin1Char('\'');
}

} // namespace

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
        const QUrlQuery query(url);
        for (const auto &item : query.queryItems(QUrl::FullyDecoded)) {
            if (auto refused = checkOption(item.first, item.second))
                return *refused;
            if (std::any_of(u.options.cbegin(), u.options.cend(), [&item](const auto &o) { return o.first == item.first; }))
                return Error{ErrorCode::InvalidArgument, QStringLiteral("the PostgreSQL URL option \"%1\" is given twice").arg(item.first)};
            u.options.append(item);
        }
        return u;
    }
    return Error{ErrorCode::InvalidArgument,
                 QStringLiteral("unknown database URL \"%1\" (use sqlite:PATH or postgresql://user:password@host:port/dbname)")
                     .arg(t.section(QLatin1Char(':'), 0, 0))};
}

QString DatabaseUrl::connectOptions() const
{
    QStringList parts;
    for (const auto &[name, value] : options) // Qt joins them with spaces (it reads ';' as one)
        parts << name + QLatin1Char('=') + conninfoQuoted(value);
    if (std::none_of(options.cbegin(), options.cend(), [](const auto &o) { return o.first == QLatin1String("connect_timeout"); }))
        parts << QStringLiteral("connect_timeout=5");
    return parts.join(QLatin1Char(';'));
}

QString DatabaseUrl::masked() const
{
    if (kind == Kind::Sqlite)
        return QStringLiteral("sqlite:") + path;
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    url.setUserName(user, QUrl::DecodedMode);
    if (!password.isEmpty())
        url.setPassword(QStringLiteral("***"));
    url.setHost(host);
    url.setPort(port);
    url.setPath(QLatin1Char('/') + database, QUrl::DecodedMode);
    QUrlQuery query;
    for (const auto &[name, value] : options) // encoded here: QUrlQuery leaves '&', '=' and '%' in a value as they are
        query.addQueryItem(name, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    url.setQuery(query);
    return url.toString(QUrl::FullyEncoded);
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
