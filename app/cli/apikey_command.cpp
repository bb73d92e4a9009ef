// listinglens apikey create|list|revoke: the API keys of the HTTP API.
#include "commands.h"

#include "api_keys.h"
#include "cli_common.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace listinglens::cli {

namespace {

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

QJsonValue isoTimeOrNull(qint64 ms)
{
    return ms > 0 ? QJsonValue(isoTime(ms)) : QJsonValue(QJsonValue::Null);
}

QJsonObject keyJson(const ApiKeyInfo &k)
{
    QJsonArray scopes;
    for (const QString &s : apiScopesText(k.scopes).split(QLatin1Char(','), Qt::SkipEmptyParts))
        scopes.append(s);
    return {{QStringLiteral("id"), k.id},
            {QStringLiteral("name"), k.name},
            {QStringLiteral("prefix"), k.prefix},
            {QStringLiteral("scopes"), scopes},
            {QStringLiteral("created_at"), isoTime(k.createdMs)},
            {QStringLiteral("last_used_at"), isoTimeOrNull(k.lastUsedMs)},
            {QStringLiteral("revoked_at"), isoTimeOrNull(k.revokedMs)}};
}

int failed(const Error &e)
{
    printError(e.message);
    return e.code == ErrorCode::InvalidArgument ? ExitUsage : ExitSomeFailed;
}

int create(ApiKeys &keys, const QString &name, const QString &scopeText, bool json)
{
    const auto scopes = parseApiScopes(scopeText);
    if (!scopes)
        return failed(scopes.error());
    auto made = keys.create(name, scopes.value());
    if (!made)
        return failed(made.error());
    const NewApiKey &k = made.value();
    const QString once = QStringLiteral("This key is shown only now and will not be shown again: the database keeps only its SHA-256.");
    if (json) {
        QJsonObject o = keyJson(k.info);
        o.insert(QStringLiteral("key"), k.secret);
        QTextStream(stdout) << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
        QTextStream(stderr) << once << Qt::endl;
        return ExitOk;
    }
    QTextStream(stdout) << QStringLiteral("API key %1 created: prefix %2, scopes %3, name \"%4\"\n\n  %5\n\n%6\n")
                               .arg(k.info.id).arg(k.info.prefix, apiScopesText(k.info.scopes), k.info.name, k.secret, once)
                        << QStringLiteral("Send it as: Authorization: Bearer %1_...").arg(k.secret.left(12)) << Qt::endl;
    return ExitOk;
}

int list(ApiKeys &keys, bool json)
{
    auto all = keys.list();
    if (!all)
        return failed(all.error());
    QTextStream out(stdout);
    if (!json && !all.value().isEmpty())
        out << QStringLiteral("%1  %2  %3  %4  %5  %6  %7")
                   .arg(QStringLiteral("ID").rightJustified(6), QStringLiteral("PREFIX").leftJustified(8),
                        QStringLiteral("SCOPES").leftJustified(26), QStringLiteral("CREATED").leftJustified(20),
                        QStringLiteral("LAST USED").leftJustified(20), QStringLiteral("REVOKED").leftJustified(20), QStringLiteral("NAME"))
            << Qt::endl;
    for (const ApiKeyInfo &k : all.value()) {
        if (json) {
            out << QJsonDocument(keyJson(k)).toJson(QJsonDocument::Compact) << Qt::endl;
            continue;
        }
        auto when = [](qint64 ms) { return (ms > 0 ? isoTime(ms) : QStringLiteral("-")).leftJustified(20); };
        out << QStringLiteral("%1  %2  %3  %4  %5  %6  %7")
                   .arg(QString::number(k.id).rightJustified(6), k.prefix.leftJustified(8), apiScopesText(k.scopes).leftJustified(26),
                        when(k.createdMs), when(k.lastUsedMs), when(k.revokedMs), k.name)
            << Qt::endl;
    }
    return ExitOk;
}

int revoke(ApiKeys &keys, const QString &which, bool json)
{
    auto k = keys.revoke(which);
    if (!k)
        return failed(k.error());
    if (json)
        QTextStream(stdout) << QJsonDocument(keyJson(k.value())).toJson(QJsonDocument::Compact) << Qt::endl;
    else
        QTextStream(stdout) << QStringLiteral("API key %1 (%2, \"%3\") revoked at %4; running servers refuse it within %5 s")
                                   .arg(k.value().id).arg(k.value().prefix, k.value().name, isoTime(k.value().revokedMs))
                                   .arg(ApiKeys::kDefaultCacheTtl.count() / 1000.0)
                            << Qt::endl;
    return ExitOk;
}

} // namespace

int runApiKey(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "API keys of the HTTP API (serve). Only each key's SHA-256 is stored: a key is shown once, when it is created.\n"
        "  create --name N --scope S[,S...]   a new key; scopes: submit, read, feedback, admin (admin allows all)\n"
        "  list                               every key: id, prefix, scopes, created, last used, revoked, name\n"
        "  revoke ID|PREFIX                   refuse the key from now on (running servers within 5 s)"));
    parser.addHelpOption();
    const QCommandLineOption db = databaseOption(QStringLiteral(", else the embedded SQLite file"));
    const QCommandLineOption name(QStringLiteral("name"), QStringLiteral("What the key is for (1 to 100 characters)."), QStringLiteral("NAME"));
    const QCommandLineOption scope(QStringLiteral("scope"), QStringLiteral("submit, read, feedback, admin, comma-separated."), QStringLiteral("SCOPES"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("JSON: one object per key."));
    parser.addOptions({db, name, scope, json});
    parser.addPositionalArgument(QStringLiteral("ACTION"), QStringLiteral("create, list or revoke"));
    parser.addPositionalArgument(QStringLiteral("ID|PREFIX"), QStringLiteral("the key to revoke"), QStringLiteral("[ID|PREFIX]"));
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0);
    const int wanted = action == QLatin1String("revoke") ? 2 : 1;
    if (action != QLatin1String("create") && action != QLatin1String("list") && action != QLatin1String("revoke")) {
        printError(QStringLiteral("apikey needs an action: create, list or revoke (see --help)"));
        return ExitUsage;
    }
    if (positional.size() != wanted) {
        printError(wanted == 2 ? QStringLiteral("apikey revoke needs the key's id or prefix (see apikey list)")
                               : QStringLiteral("apikey %1 takes no further arguments").arg(action));
        return ExitUsage;
    }
    if (action == QLatin1String("create") && (!parser.isSet(name) || !parser.isSet(scope))) {
        printError(QStringLiteral("apikey create needs --name and --scope (see --help)"));
        return ExitUsage;
    }
    if (action != QLatin1String("create") && (parser.isSet(name) || parser.isSet(scope))) {
        printError(QStringLiteral("--name and --scope are for apikey create"));
        return ExitUsage;
    }
    // Like history: SQLite is migrated on open, PostgreSQL must be current (db migrate).
    auto store = openStore(databaseUrl(parser, defaultDatabaseUrl()));
    if (!store)
        return ExitSomeFailed;
    ApiKeys keys(store);
    if (action == QLatin1String("create"))
        return create(keys, parser.value(name), parser.value(scope), parser.isSet(json));
    if (action == QLatin1String("list"))
        return list(keys, parser.isSet(json));
    return revoke(keys, positional.value(1), parser.isSet(json));
}

} // namespace listinglens::cli
