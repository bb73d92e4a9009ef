// `listinglens-bench soak` at 1,000 jobs against the throwaway PostgreSQL of
// scripts/with-postgres.sh: a worker SIGKILLed and PostgreSQL restarted
// mid-run, and every job still ends once. The database is also read here,
// apart from the command's own check.
#include "fixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace listinglens;

class TestSoak : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void thousandJobs_workerKilledAndPostgresRestarted_noneLostOrDuplicated()
    {
        LISTINGLENS_REQUIRE_POSTGRES_SERVER();
        constexpr int kJobs = 1000;
        const QString url = test::freshPostgresDatabase(QStringLiteral("listinglens_soak"));
        QProcess soak;
        soak.setProcessChannelMode(QProcess::SeparateChannels);
        soak.start(test::benchBinaryPath(), {QStringLiteral("soak"), QStringLiteral("--db"), url, QStringLiteral("--jobs"),
                                        QString::number(kJobs), QStringLiteral("--json")});
        QVERIFY(soak.waitForFinished(840'000));
        const QByteArray err = soak.readAllStandardError();
        const QByteArray out = soak.readAllStandardOutput();
        qInfo().noquote() << QString::fromUtf8(err).trimmed() << '\n' << QString::fromUtf8(out).trimmed();
        const QJsonObject report = QJsonDocument::fromJson(out).object();
        QVERIFY2(!report.isEmpty(), out.constData());

        QCOMPARE(report.value(QStringLiteral("jobs")).toInt(), kJobs);
        QCOMPARE(report.value(QStringLiteral("submitted")).toInt(), kJobs);
        QCOMPARE(report.value(QStringLiteral("done")).toInt(), kJobs);
        QCOMPARE(report.value(QStringLiteral("lost")).toInt(), 0);
        QCOMPARE(report.value(QStringLiteral("duplicated")).toInt(), 0);
        QCOMPARE(report.value(QStringLiteral("failed")).toInt(), 0);
        QStringList injected;
        for (const QJsonValue &f : report.value(QStringLiteral("faults")).toArray())
            if (f.toObject().value(QStringLiteral("injected")).toBool())
                injected << f.toObject().value(QStringLiteral("kind")).toString();
        QCOMPARE(injected, (QStringList{QStringLiteral("worker_sigkill"), QStringLiteral("postgres_restart")}));
        QVERIFY(report.value(QStringLiteral("serve_survived")).toBool());
        QVERIFY(report.value(QStringLiteral("jobs_per_second")).toDouble() > 0);
        QVERIFY(!report.value(QStringLiteral("processor")).toString().isEmpty());
        QCOMPARE(soak.exitStatus(), QProcess::NormalExit);
        QCOMPARE(soak.exitCode(), 0);

        // The database, read directly: one job per key, each done with its own prediction.
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM jobs")), qint64(kJobs));
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(DISTINCT idempotency_key) FROM jobs")), qint64(kJobs));
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM jobs WHERE status = 'done'")), qint64(kJobs));
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(DISTINCT prediction_id) FROM jobs")), qint64(kJobs));
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT count(*) FROM predictions WHERE source = 'api'")), qint64(kJobs));
    }
};

QTEST_GUILESS_MAIN(TestSoak)
#include "tst_soak.moc"
