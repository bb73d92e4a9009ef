// API keys (core/api_keys), on SQLite and on the real PostgreSQL that
// scripts/with-postgres.sh starts (LISTINGLENS_TEST_PG_URL).
#include "api_keys.h"
#include "database_url.h"
#include "fixtures.h"
#include "prediction_store.h"

#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <vector>

using namespace listinglens;
using namespace std::chrono_literals;

class TestApiKeys : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data() { test::driverRows(); }

    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
    }

    void init()
    {
        QFETCH_GLOBAL(QString, driver);
        if (driver == QLatin1String("postgresql"))
            LISTINGLENS_REQUIRE_POSTGRES();
    }

    void scopesParseAndPrint_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("scopes"); // -1: refused
        QTest::addColumn<QString>("printed");
        QTest::newRow("one") << "submit" << 1 << "submit";
        QTest::newRow("two") << "submit,read" << 3 << "submit,read";
        QTest::newRow("order and spaces") << " feedback , submit" << 5 << "submit,feedback";
        QTest::newRow("all") << "admin,feedback,read,submit" << 15 << "submit,read,feedback,admin";
        QTest::newRow("repeated") << "read,read" << 2 << "read";
        QTest::newRow("admin") << "admin" << 8 << "admin";
        QTest::newRow("empty") << "" << -1 << "";
        QTest::newRow("empty item") << "submit,,read" << -1 << "";
        QTest::newRow("trailing comma") << "submit," << -1 << "";
        QTest::newRow("unknown") << "submit,write" << -1 << "";
        QTest::newRow("case") << "Submit" << -1 << "";
    }

    void scopesParseAndPrint()
    {
        QFETCH(QString, text);
        QFETCH(int, scopes);
        QFETCH(QString, printed);
        const auto parsed = parseApiScopes(text);
        if (scopes < 0) {
            QVERIFY(!parsed.ok());
            QCOMPARE(parsed.error().code, ErrorCode::InvalidArgument);
            return;
        }
        QVERIFY(parsed.ok());
        QCOMPARE(parsed.value(), scopes);
        QCOMPARE(apiScopesText(parsed.value()), printed);
        QCOMPARE(parseApiScopes(apiScopesText(scopes)).value(), scopes); // round trip
    }

    void adminAllowsEveryScope()
    {
        ApiKeyInfo admin;
        admin.scopes = int(ApiScope::Admin);
        ApiKeyInfo reader;
        reader.scopes = int(ApiScope::Read);
        for (ApiScope s : {ApiScope::Submit, ApiScope::Read, ApiScope::Feedback, ApiScope::Admin}) {
            QVERIFY(admin.allows(s));
            QCOMPARE(reader.allows(s), s == ApiScope::Read);
        }
        QCOMPARE(apiScopesText(kAllApiScopes), QStringLiteral("submit,read,feedback,admin"));
    }

    void createsVerifiesListsAndRevokes()
    {
        const QString url = freshUrl();
        auto store = PredictionStore::open(url, true).value();
        ApiKeys keys(store);
        auto made = keys.create(QStringLiteral("  uploader  "), int(ApiScope::Submit) | int(ApiScope::Read));
        QVERIFY2(made.ok(), qPrintable(made.ok() ? QString() : made.error().message));
        const NewApiKey k = made.value();
        QCOMPARE(k.info.name, QStringLiteral("uploader"));
        QVERIFY(k.info.id > 0);
        QCOMPARE(k.info.prefix.size(), 8);
        QCOMPARE(k.secret.size(), 56);
        QVERIFY(k.secret.startsWith(QStringLiteral("llk_") + k.info.prefix + QLatin1Char('_')));
        QVERIFY(ApiKeys::isWellFormed(k.secret.toLatin1()));

        auto other = keys.create(QStringLiteral("moderation tool"), int(ApiScope::Feedback));
        QVERIFY(other.ok());
        QVERIFY(other.value().secret != k.secret);
        QVERIFY(other.value().info.prefix != k.info.prefix);

        const auto verified = keys.verify(k.secret.toLatin1());
        QVERIFY2(verified.ok(), qPrintable(verified.ok() ? QString() : verified.error().message));
        QCOMPARE(verified.value().id, k.info.id);
        QCOMPARE(verified.value().scopes, k.info.scopes);
        QVERIFY(verified.value().allows(ApiScope::Submit));
        QVERIFY(!verified.value().allows(ApiScope::Feedback));
        QVERIFY(verified.value().lastUsedMs > 0);

        // The use is recorded, once.
        const auto listed = keys.list();
        QVERIFY(listed.ok());
        QCOMPARE(listed.value().size(), 2);
        QCOMPARE(listed.value()[0].id, k.info.id);
        QCOMPARE(listed.value()[0].name, QStringLiteral("uploader"));
        QCOMPARE(listed.value()[0].scopes, 3);
        QVERIFY(listed.value()[0].lastUsedMs > 0);
        QCOMPARE(listed.value()[1].lastUsedMs, qint64(0));
        QCOMPARE(listed.value()[1].revokedMs, qint64(0));

        // Revoked through this object: refused at once, cache or not.
        auto revoked = keys.revoke(k.info.prefix);
        QVERIFY(revoked.ok());
        QCOMPARE(revoked.value().id, k.info.id);
        QVERIFY(revoked.value().revoked());
        auto refused = keys.verify(k.secret.toLatin1());
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::Unauthorized);
        QVERIFY(!refused.error().message.contains(k.secret));
        // Again: nothing changes. By id too.
        auto again = keys.revoke(QString::number(k.info.id));
        QVERIFY(again.ok());
        QCOMPARE(again.value().revokedMs, revoked.value().revokedMs);
        QVERIFY(keys.verify(other.value().secret.toLatin1()).ok());
        QVERIFY(keys.revoke(other.value().secret).ok()); // the whole key names it too
        QVERIFY(!keys.verify(other.value().secret.toLatin1()).ok());

        for (const QString &missing : {QStringLiteral("999999"), QStringLiteral("0badf00d")}) {
            auto none = keys.revoke(missing);
            QVERIFY(!none.ok());
            QCOMPARE(none.error().code, ErrorCode::NotFound);
        }
        for (const QString &bad : {QString(), QStringLiteral("-1"), QStringLiteral("xyz"), QStringLiteral("0BADF00D")})
            QCOMPARE(keys.revoke(bad).error().code, ErrorCode::InvalidArgument);
    }

    void theKeyItselfIsNeverStored()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        ApiKeys keys(store);
        const NewApiKey k = keys.create(QStringLiteral("ci"), int(ApiScope::Admin)).value();
        QVERIFY(keys.verify(k.secret.toLatin1()).ok());
        const QString secretPart = k.secret.mid(13);
        QSqlQuery q(store->connection().value());
        QVERIFY(q.exec(QStringLiteral("SELECT * FROM api_keys")));
        int rows = 0;
        while (q.next()) {
            ++rows;
            for (int c = 0; c < q.record().count(); ++c) {
                const QString v = q.value(c).toString();
                QVERIFY2(!v.contains(secretPart), qPrintable(q.record().fieldName(c)));
            }
            QCOMPARE(q.value(QStringLiteral("key_sha256")).toString().size(), 64);
            QCOMPARE(q.value(QStringLiteral("prefix")).toString(), k.info.prefix);
        }
        QCOMPARE(rows, 1);
    }

    void refusesMalformedTokensWithoutTheDatabase_data()
    {
        QTest::addColumn<QByteArray>("token");
        const QByteArray good = "llk_0123abcd_" + QByteArray(43, 'A');
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("bearer left in") << "Bearer " + good;
        QTest::newRow("wrong start") << "llx_" + good.mid(4);
        QTest::newRow("upper-case start") << "LLK_" + good.mid(4);
        QTest::newRow("upper-case prefix") << "llk_0123ABCD_" + QByteArray(43, 'A');
        QTest::newRow("prefix not hex") << "llk_0123abcg_" + QByteArray(43, 'A');
        QTest::newRow("no separator") << "llk_0123abcd-" + QByteArray(43, 'A');
        QTest::newRow("short") << good.left(55);
        QTest::newRow("long") << good + 'A';
        QTest::newRow("overlong") << good + QByteArray(1 << 20, 'A');
        QTest::newRow("padding") << good.left(55) + '=';
        QTest::newRow("standard base64") << good.left(55) + '+';
        QTest::newRow("slash") << good.left(55) + '/';
        QTest::newRow("space") << good.left(55) + ' ';
        QTest::newRow("newline") << good.left(55) + '\n';
        QTest::newRow("NUL inside") << good.left(30) + QByteArray(1, '\0') + good.mid(31);
        QTest::newRow("NUL after") << good.left(55) + QByteArray(1, '\0');
        QTest::newRow("invalid UTF-8") << good.left(54) + "\xc3\x28";
        QTest::newRow("UTF-8 letter") << good.left(54) + "\xc3\xa9";
    }

    void refusesMalformedTokensWithoutTheDatabase()
    {
        QFETCH(QByteArray, token);
        QVERIFY(!ApiKeys::isWellFormed(token));
        // A store whose database is not there: a refusal that asked it would say database_error.
        auto store = PredictionStore::open(freshUrl(), true).value();
        ApiKeys keys(store);
        QSqlQuery q(store->connection().value());
        QVERIFY(q.exec(QStringLiteral("ALTER TABLE api_keys RENAME TO api_keys_gone")));
        const auto refused = keys.verify(token);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::Unauthorized);
        QVERIFY(refused.error().message.contains(QStringLiteral("malformed")));
        // The same check must pass a well-formed token on to the database.
        QCOMPARE(keys.verify("llk_0123abcd_" + QByteArray(43, 'A')).error().code, ErrorCode::DatabaseError);
    }

    void refusesUnknownAndAlteredKeys()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        ApiKeys keys(store);
        const NewApiKey k = keys.create(QStringLiteral("uploader"), int(ApiScope::Submit)).value();
        const QByteArray key = k.secret.toLatin1();
        QVERIFY(keys.verify(key).ok());
        // Every character of the secret changed in turn, and the prefix's.
        for (int i = 4; i < key.size(); ++i) {
            if (i == 12)
                continue;
            QByteArray altered = key;
            altered[i] = altered[i] == 'a' ? 'b' : 'a';
            const auto refused = keys.verify(altered);
            QVERIFY2(!refused.ok(), qPrintable(QString::number(i)));
            QCOMPARE(refused.error().code, ErrorCode::Unauthorized);
            QVERIFY(!refused.error().message.contains(QString::fromLatin1(altered)));
        }
        QCOMPARE(keys.verify("llk_0123abcd_" + QByteArray(43, 'A')).error().code, ErrorCode::Unauthorized);
        QVERIFY(keys.verify(key).ok()); // still the right one
    }

    void aRevocationElsewhereTakesEffectWithinTheTtl()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        ApiKeys server(store, 300ms);
        ApiKeys admin(store, 0ms); // the CLI, say
        const NewApiKey k = admin.create(QStringLiteral("uploader"), int(ApiScope::Submit)).value();
        const QByteArray key = k.secret.toLatin1();
        QVERIFY(server.verify(key).ok());
        QVERIFY(admin.revoke(k.info.prefix).ok());
        QVERIFY(!admin.verify(key).ok());
        QVERIFY(server.verify(key).ok()); // cached: the documented delay
        QTRY_VERIFY_WITH_TIMEOUT(!server.verify(key).ok(), 2000);
        QCOMPARE(server.verify(key).error().code, ErrorCode::Unauthorized);

        // Refusals are cached too: a key unknown a moment ago stays refused for the TTL.
        ApiKeys slow(store, 60s);
        QVERIFY(!slow.verify(key).ok());
        QSqlQuery q(store->connection().value());
        QVERIFY(q.exec(QStringLiteral("UPDATE api_keys SET revoked_ms = NULL")));
        QVERIFY(!slow.verify(key).ok());
        QVERIFY(ApiKeys(store, 0ms).verify(key).ok());
    }

    void lastUseIsWrittenAtMostOnceAMinute()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        ApiKeys keys(store, 0ms); // every verify asks the database
        const NewApiKey k = keys.create(QStringLiteral("uploader"), int(ApiScope::Submit)).value();
        QVERIFY(keys.verify(k.secret.toLatin1()).ok());
        const qint64 first = keys.list().value().value(0).lastUsedMs;
        QVERIFY(first > 0);
        QSqlQuery q(store->connection().value());
        QVERIFY(q.exec(QStringLiteral("UPDATE api_keys SET last_used_ms = 1000")));
        QThread::msleep(5);
        for (int i = 0; i < 5; ++i)
            QVERIFY(keys.verify(k.secret.toLatin1()).ok());
        QCOMPARE(keys.list().value().value(0).lastUsedMs, qint64(1000)); // not written again within the minute
        // Another process (a fresh object) sees a use a minute ago as old.
        QVERIFY(q.exec(QStringLiteral("UPDATE api_keys SET last_used_ms = %1").arg(first - 61000)));
        ApiKeys other(store, 0ms);
        QVERIFY(other.verify(k.secret.toLatin1()).ok());
        QVERIFY(other.list().value().value(0).lastUsedMs >= first);
    }

    void namesAndScopesAreChecked_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("scopes");
        QTest::addColumn<bool>("ok");
        QTest::newRow("plain") << "uploader" << 1 << true;
        QTest::newRow("unicode") << QStringLiteral("Ünïcode 写真 📷") << 1 << true;
        QTest::newRow("100") << QString(100, QLatin1Char('n')) << 1 << true;
        QTest::newRow("101") << QString(101, QLatin1Char('n')) << 1 << false;
        QTest::newRow("empty") << "" << 1 << false;
        QTest::newRow("spaces") << "   " << 1 << false;
        QTest::newRow("newline") << "a\nb" << 1 << false;
        QTest::newRow("tab") << "a\tb" << 1 << false;
        QTest::newRow("escape") << "a\x1b[31mb" << 1 << false;
        QTest::newRow("NUL") << QString(QStringLiteral("a") + QChar(0) + QStringLiteral("b")) << 1 << false;
        QTest::newRow("line separator") << QString(QStringLiteral("a") + QChar(0x2028) + QStringLiteral("b")) << 1 << false;
        QTest::newRow("no scope") << "uploader" << 0 << false;
        QTest::newRow("unknown scope bit") << "uploader" << 16 << false;
    }

    void namesAndScopesAreChecked()
    {
        QFETCH(QString, name);
        QFETCH(int, scopes);
        QFETCH(bool, ok);
        auto store = PredictionStore::open(freshUrl(), true).value();
        ApiKeys keys(store);
        const auto made = keys.create(name, scopes);
        QCOMPARE(made.ok(), ok);
        if (!ok) {
            QCOMPARE(made.error().code, ErrorCode::InvalidArgument);
            QCOMPARE(keys.list().value().size(), 0);
        } else {
            QCOMPARE(keys.list().value().value(0).name, name.trimmed());
        }
    }

    void verifiesFromManyThreadsAtOnce()
    {
        auto store = PredictionStore::open(freshUrl(), true).value();
        ApiKeys keys(store, 20ms); // expiring while they run: the database is asked from every thread
        QList<QByteArray> good;
        for (int i = 0; i < 3; ++i)
            good << keys.create(QStringLiteral("key %1").arg(i), int(ApiScope::Submit)).value().secret.toLatin1();
        QByteArray wrong = good[0];
        wrong[20] = wrong[20] == 'a' ? 'b' : 'a';
        std::atomic_int wrongAnswers{0}, answers{0};
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < 6; ++t) {
            threads.emplace_back(QThread::create([&, t] {
                for (int i = 0; i < 150; ++i) {
                    const QByteArray &key = good[(t + i) % good.size()];
                    const auto yes = keys.verify(key);
                    const auto no = keys.verify(i % 2 ? wrong : QByteArray("llk_bad"));
                    if (!yes.ok() || no.ok() || (!no.ok() && no.error().code != ErrorCode::Unauthorized))
                        ++wrongAnswers;
                    answers += 2;
                }
            }));
            threads.back()->start();
        }
        for (auto &t : threads)
            QVERIFY(t->wait(120000));
        QCOMPARE(wrongAnswers.load(), 0);
        QCOMPARE(answers.load(), 6 * 150 * 2);
    }

private:
    // An empty database for one test.
    QString freshUrl()
    {
        if (!test::onPostgres())
            return QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("keys-%1.sqlite").arg(++m_serial));
        return test::freshPostgresDatabase(QStringLiteral("listinglens_api_keys"));
    }

    QTemporaryDir m_dir;
    int m_serial = 0;
};

QTEST_GUILESS_MAIN(TestApiKeys)
#include "tst_api_keys.moc"
