// The store against hostile configuration and faults: database URL options
// that try to add libpq parameters are refused and the rest are quoted (read
// back by libpq's own parser, and by a real PostgreSQL); the masked URL masks
// every secret; a connection killed by a server restart is replaced before
// its next statement; a job's lease belongs to the process that claimed it.
#include "database_url.h"
#include "db_connections.h"
#include "fixtures.h"
#include "libpq_reads.h"
#include "job_queue.h"
#include "prediction_store.h"

#include <QSqlQuery>
#include <QTest>

using namespace listinglens;
using test::libpqReads;

namespace {

// QPSQL's connection string from a URL's options, as Qt 6 builds it (';' read as a space).
QString asQtJoinsThem(const DatabaseUrl &url)
{
    return url.connectOptions().replace(QLatin1Char(';'), QLatin1Char(' '));
}

} // namespace

class TestHostileStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void optionsThatAddParametersAreRefused_data()
    {
        QTest::addColumn<QString>("query");
        QTest::newRow("sslmode smuggled in application_name") << "sslmode=require&application_name=x%20sslmode%3Ddisable";
        QTest::newRow("a quote to end the value") << "application_name=x%27%20hostaddr%3D10.0.0.1";
        QTest::newRow("hostaddr after connect_timeout") << "connect_timeout=5%20hostaddr%3D10.0.0.1";
        QTest::newRow("port after sslmode") << "sslmode=require%20port%3D6543";
        QTest::newRow("password in sslrootcert, after ;") << "sslrootcert=/tmp/ca.pem;password=x";
        QTest::newRow("a control character") << "sslrootcert=/tmp/ca%0A.pem";
        QTest::newRow("sslmode twice (the last wins in libpq)") << "sslmode=require&sslmode=disable";
        QTest::newRow("hostaddr") << "hostaddr=10.0.0.1";
        QTest::newRow("port") << "port=6543";
        QTest::newRow("password") << "password=x";
        QTest::newRow("passfile") << "passfile=/etc/shadow";
        QTest::newRow("an unknown sslmode") << "sslmode=off";
        QTest::newRow("connect_timeout of 0 (for ever)") << "connect_timeout=0";
        QTest::newRow("connect_timeout not a number") << "connect_timeout=5s";
    }
    void optionsThatAddParametersAreRefused()
    {
        QFETCH(QString, query);
        const auto url = DatabaseUrl::parse(QStringLiteral("postgresql://app:secret@db.example/listings?") + query);
        QVERIFY2(!url.ok(), qPrintable(url.ok() ? asQtJoinsThem(url.value()) : QString()));
        QCOMPARE(url.error().codeName(), QStringLiteral("invalid_argument"));
        QVERIFY(!url.error().message.contains(QLatin1String("secret")));
    }

    // Values that need quoting reach libpq as given, and nothing else does.
    void optionsAreQuotedForLibpq()
    {
        const auto url = DatabaseUrl::parse(QStringLiteral(
            "postgresql://app@db.example/listings?sslmode=verify-full&sslrootcert=/etc/ssl/it's%20a%5Cpath=x.pem"
            "&application_name=listing%20lens%20(api)"));
        QVERIFY2(url.ok(), qPrintable(url.ok() ? QString() : url.error().message));
        const QMap<QString, QString> read = libpqReads(asQtJoinsThem(url.value()));
        const QMap<QString, QString> expected{{QStringLiteral("sslmode"), QStringLiteral("verify-full")},
                                              {QStringLiteral("sslrootcert"), QStringLiteral("/etc/ssl/it's a\\path=x.pem")},
                                              {QStringLiteral("application_name"), QStringLiteral("listing lens (api)")},
                                              {QStringLiteral("connect_timeout"), QStringLiteral("5")}};
        for (auto it = expected.begin(); it != expected.end(); ++it)
            QCOMPARE(read.value(it.key()), it.value());
        QCOMPARE(read.value(QStringLiteral("host")), QString()); // added by nothing but the URL's host, which Qt quotes itself
        QCOMPARE(libpqReads(asQtJoinsThem(DatabaseUrl::parse(QStringLiteral("postgresql://u@h/d?connect_timeout=30")).value()))
                     .value(QStringLiteral("connect_timeout")),
                 QStringLiteral("30"));
    }

    // The masked URL shows no password, whatever it holds, and parses back to
    // the same server, database, user and options.
    void theMaskedUrlMasksEverySecret_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("secret");
        QTest::newRow("plain") << "postgresql://app:hunter2@db.example:6543/listings?sslmode=require" << "hunter2";
        QTest::newRow("with @ : / ? # in it")
            << "postgresql://app:p%40ss%3Aw%2Fo%3Frd%23@db.example/listings?application_name=api%201" << "p@ss:w/o?rd#";
        QTest::newRow("a user with @ and :") << "postgresql://a%40b%3Ac:s3cr3t@[::1]:5433/x%2Fy" << "s3cr3t";
    }
    void theMaskedUrlMasksEverySecret()
    {
        QFETCH(QString, url);
        QFETCH(QString, secret);
        const DatabaseUrl u = DatabaseUrl::parse(url).value();
        const QString masked = u.masked();
        QVERIFY2(!masked.contains(secret) && !masked.contains(QString::fromLatin1(QUrl::toPercentEncoding(secret))), qPrintable(masked));
        QVERIFY(masked.contains(QLatin1String(":***@")));
        const auto again = DatabaseUrl::parse(masked);
        QVERIFY2(again.ok(), qPrintable(masked));
        QCOMPARE(again.value().host, u.host);
        QCOMPARE(again.value().port, u.port);
        QCOMPARE(again.value().user, u.user);
        QCOMPARE(again.value().database, u.database);
        QCOMPARE(again.value().options, u.options);
        QCOMPARE(again.value().password, QStringLiteral("***"));
    }

    // A real server reads the quoted options as given: unquoted, the spaces
    // in this application name broke the connection string.
    void aServerReadsTheOptionsAsGiven()
    {
        const QString base = test::postgresUrl();
        LISTINGLENS_REQUIRE_POSTGRES();
        DbConnections connections(DatabaseUrl::parse(base + QStringLiteral("?application_name=listing%20lens%20(test)")).value());
        auto db = connections.get();
        QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
        QSqlQuery q(db.value());
        QVERIFY(q.exec(QStringLiteral("SHOW application_name")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("listing lens (test)"));
    }

    // After a server restart the first statement on a thread's connection
    // succeeds: the dead connection is replaced before it is handed out.
    void theFirstStatementAfterARestartSucceeds()
    {
        const QString url = test::postgresUrl();
        LISTINGLENS_REQUIRE_POSTGRES_SERVER();
        DbConnections connections(DatabaseUrl::parse(url).value());
        const auto selectOne = [&connections] {
            auto db = connections.get();
            if (!db)
                return false;
            QSqlQuery q(db.value());
            return q.exec(QStringLiteral("SELECT 1")) && q.next() && q.value(0).toInt() == 1;
        };
        QVERIFY(selectOne());
        QVERIFY(test::postgresControl(QStringLiteral("restart")));
        QVERIFY2(selectOne(), "the first statement after the restart failed");
        QVERIFY(selectOne());
    }

    // A worker killed and started again under the same name (a pod, a
    // systemd instance) is a new process: it renews only the leases it took,
    // so its predecessor's job expires and is taken again within one lease.
    void aLeaseBelongsToTheProcessThatClaimedIt()
    {
        const QString base = test::postgresUrl();
        LISTINGLENS_REQUIRE_POSTGRES();
        const QString url = test::freshPostgresDatabase(QStringLiteral("listinglens_leases"));
        auto store = PredictionStore::open(url, true);
        QVERIFY2(store.ok(), qPrintable(store.ok() ? QString() : store.error().message));
        auto dead = JobQueue::create(store.value()).value();      // the process that was killed
        auto restarted = JobQueue::create(store.value()).value(); // the same name, started again
        QVERIFY(dead->instance() != restarted->instance());
        QVERIFY(dead->enqueue({test::encode(test::quadrants(), ".jpg"), QStringLiteral("a.jpg"), QStringLiteral("image/jpeg"), {}, {}}).ok());
        const int leaseMs = 1500;
        const auto held = dead->claim(QStringLiteral("worker-1"), 1, leaseMs, 3);
        QVERIFY(held.ok() && held.value().size() == 1);
        QCOMPARE(restarted->renewLeases(QStringLiteral("worker-1"), leaseMs).value(), 0);
        QCOMPARE(dead->renewLeases(QStringLiteral("worker-1"), leaseMs).value(), 1); // its own, had it lived
        QTest::qWait(leaseMs + 300); // the heartbeats of the restarted worker keep nothing alive meanwhile
        QCOMPARE(restarted->renewLeases(QStringLiteral("worker-1"), leaseMs).value(), 0);
        const auto retaken = restarted->claim(QStringLiteral("worker-1"), 1, leaseMs, 3);
        QVERIFY(retaken.ok() && retaken.value().size() == 1);
        QCOMPARE(retaken.value().front().id, held.value().front().id);
        QCOMPARE(retaken.value().front().attempt, 2);
        QCOMPARE(restarted->renewLeases(QStringLiteral("worker-1"), leaseMs).value(), 1);
    }
};

QTEST_GUILESS_MAIN(TestHostileStore)
#include "tst_hostile_store.moc"
