// Runs the real listinglens executable, as a user or a script would: the
// database it is given (a restart mid-batch, a queue that is not PostgreSQL,
// an unreachable server, a URL from a file) and passwords kept out of argv,
// packaging included.
#include "cli_run.h"
#include "fixtures.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <unistd.h>

using namespace listinglens;
using namespace listinglens::test;

namespace {

// A PostgreSQL URL with a password in it (user:password@).
const QRegularExpression kUrlWithPassword(QStringLiteral("postgres(?:ql)?://[^/\\s:@\"']+:([^@\\s\"']+)@"));

// The command lines of a systemd unit: its Exec*= lines, continuations joined.
QStringList systemdCommandLines(const QString &text)
{
    QStringList lines;
    QString current;
    for (const QString &raw : text.split(QLatin1Char('\n'))) {
        const QString line = raw.trimmed();
        current += line;
        if (current.endsWith(QLatin1Char('\\'))) {
            current.chop(1);
            current += QLatin1Char(' ');
            continue;
        }
        if (current.startsWith(QLatin1String("Exec")))
            lines << current;
        current.clear();
    }
    return lines;
}

// The args: and command: entries of Kubernetes YAML (flow [..] or block "- " lists).
QStringList kubernetesCommandLines(const QString &text)
{
    QStringList entries;
    const QStringList lines = text.split(QLatin1Char('\n'));
    static const QRegularExpression key(QStringLiteral("^(\\s*)-?\\s*(args|command):(.*)$"));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const auto m = key.match(lines.at(i));
        if (!m.hasMatch() || lines.at(i).trimmed().startsWith(QLatin1Char('#')))
            continue;
        QString entry = m.captured(3).trimmed();
        const qsizetype indent = m.captured(1).size();
        if (entry.startsWith(QLatin1Char('['))) {
            while (!entry.contains(QLatin1Char(']')) && ++i < lines.size())
                entry += QLatin1Char(' ') + lines.at(i).trimmed();
        } else if (entry.isEmpty()) {
            while (i + 1 < lines.size() && lines.at(i + 1).trimmed().startsWith(QLatin1Char('-'))
                   && lines.at(i + 1).indexOf(QLatin1Char('-')) >= indent)
                entry += QLatin1Char(' ') + lines.at(++i).trimmed();
        }
        entries << entry.trimmed();
    }
    return entries;
}

// Why a command line would expose the database password; empty when it does not.
QString passwordExposure(const QString &commandLine)
{
    if (kUrlWithPassword.match(commandLine).hasMatch())
        return QStringLiteral("a URL with a password");
    // These expand to the URL, password included, in the process's argv.
    for (const char *expansion : {"${LISTINGLENS_DB}", "$LISTINGLENS_DB", "$(LISTINGLENS_DB)"})
        if (commandLine.contains(QLatin1String(expansion)))
            return QStringLiteral("%1 expanded into argv").arg(QLatin1String(expansion));
    static const QRegularExpression dbOption(QStringLiteral("(^|[\\s\"'\\[,])--db(=|[\"']?[\\s,]|$)"));
    if (dbOption.match(commandLine).hasMatch())
        return QStringLiteral("--db URL");
    return {};
}

} // namespace

class TestCliDatabase : public CliFixture {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void survivesPostgresRestartingMidBatch()
    {
        LISTINGLENS_REQUIRE_POSTGRES_SERVER();
        const QString url = test::freshPostgresDatabase(QStringLiteral("listinglens_restart"));
        QCOMPARE(runCli({QStringLiteral("db"), QStringLiteral("migrate"), QStringLiteral("--db"), url}).exitCode, 0);

        QProcess classify;
        const QString photos = test::samplePhotosDir();
        classify.start(test::binaryPath(), {QStringLiteral("classify"), QStringLiteral("--json"), QStringLiteral("--batch"), QStringLiteral("1"),
                                            QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--db"), url,
                                            photos, photos, photos, photos, photos});
        QVERIFY(classify.waitForStarted());
        // The server goes away while photos are still being stored: stopped as
        // soon as the first photos are through, and started again only once the
        // classifier has met the closed connection, however fast the machine.
        QByteArray err;
        while (!err.contains("photos/s") && classify.state() == QProcess::Running) {
            classify.waitForReadyRead(100);
            classify.readAllStandardOutput();
            err += classify.readAllStandardError();
        }
        QVERIFY(classify.state() == QProcess::Running);
        auto restart = qScopeGuard([] { test::postgresControl(QStringLiteral("start")); }); // never leave it stopped
        QVERIFY(test::postgresControl(QStringLiteral("stop")));
        QDeadlineTimer noticed(60'000);
        while (!err.contains("retrying") && classify.state() == QProcess::Running && !noticed.hasExpired()) {
            classify.waitForReadyRead(100);
            classify.readAllStandardOutput();
            err += classify.readAllStandardError();
        }
        restart.dismiss();
        QVERIFY(test::postgresControl(QStringLiteral("start")));
        QVERIFY2(err.contains("retrying"), err.constData()); // the lost connection was noticed and retried
        QVERIFY(classify.waitForFinished(120000));
        err += classify.readAllStandardError();
        QVERIFY2(classify.exitCode() == 0, err.constData());
        QVERIFY2(err.contains("stored 120 of 120"), err.constData());
        const Run history = runCli({QStringLiteral("history"), QStringLiteral("--db"), url, QStringLiteral("--json"),
                                    QStringLiteral("--limit"), QStringLiteral("1000")});
        QCOMPARE(jsonLines(history.out).size(), 120); // every photo once: none lost, none twice
    }

    // The queue needs PostgreSQL: serve and worker refuse any other database
    // before they start anything, with what to do, and never a crash.
    void servicesRefuseAQueueThatIsNotPostgres()
    {
        const QString url = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("queue.sqlite"));
        for (const QString &command : {QStringLiteral("serve"), QStringLiteral("worker")}) {
            QProcess p;
            QStringList args{command, QStringLiteral("--db"), url};
            if (command == QLatin1String("serve"))
                args << QStringLiteral("--no-auth");
            p.start(test::serverBinaryPath(), args);
            QVERIFY(p.waitForFinished(60'000));
            QCOMPARE(p.exitStatus(), QProcess::NormalExit);
            QCOMPARE(p.exitCode(), 2);
            const QByteArray err = p.readAllStandardError();
            QVERIFY2(err.contains("needs PostgreSQL") && err.contains("postgresql://"), err.constData());
        }
    }

    void refusesAnUnreachableDatabaseClearly()
    {
        const Run r = runCli({QStringLiteral("classify"), QStringLiteral("--db"),
                              QStringLiteral("postgresql://app:hunter2@127.0.0.1:1/listings"), photo("toaster.jpg")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("cannot connect to postgresql://app:***@127.0.0.1:1/listings"));
        QVERIFY(!r.err.contains("hunter2"));
    }

    void databaseUrlFromAFile()
    {
        const QString db = m_dir.filePath(QStringLiteral("from-file.sqlite"));
        // First non-empty line, trimmed; what follows is ignored.
        const QString file = writeFile(m_dir.filePath(QStringLiteral("db-url")),
                                       "\n   \n  sqlite:" + db.toUtf8() + "  \nsqlite:/nowhere/else.sqlite\n",
                                       QFile::ReadOwner | QFile::WriteOwner);
        QVERIFY(!file.isEmpty());
        Run r = runCli({QStringLiteral("classify"), QStringLiteral("--db-file"), file, photo("toaster.jpg")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runCli({QStringLiteral("history"), QStringLiteral("--db-file"), file, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(jsonLines(r.out).size(), 1);
        QVERIFY(!r.err.contains("warning"));
        // The same database as --db names.
        r = runCli({QStringLiteral("history"), QStringLiteral("--db"), QStringLiteral("sqlite:") + db, QStringLiteral("--json")});
        QCOMPARE(jsonLines(r.out).size(), 1);
        // --db-file comes before $LISTINGLENS_DB.
        qputenv("LISTINGLENS_DB", "sqlite:" + m_dir.filePath(QStringLiteral("env.sqlite")).toUtf8());
        r = runCli({QStringLiteral("history"), QStringLiteral("--db-file"), file, QStringLiteral("--json")});
        qunsetenv("LISTINGLENS_DB");
        QCOMPARE(jsonLines(r.out).size(), 1);
        QVERIFY(runCli({QStringLiteral("worker"), QStringLiteral("--help")}).out.contains("--db-file"));
        QVERIFY(runCli({QStringLiteral("serve"), QStringLiteral("--help")}).out.contains("--db-file"));
    }

    void databaseFileMistakesAreClearErrors_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QByteArray>("content"); // empty: no file at all
        QTest::addColumn<int>("permissions");
        QTest::addColumn<bool>("alsoDb");
        QTest::addColumn<QString>("message");
        const int owner = int(QFile::ReadOwner | QFile::WriteOwner);
        const QByteArray url = "postgresql://app:s3cr3t@127.0.0.1:1/listings\n";
        QTest::newRow("both --db and --db-file") << "history" << url << owner << true << "give either --db or --db-file, not both";
        QTest::newRow("no such file") << "history" << QByteArray() << owner << false << "cannot read the --db-file";
        QTest::newRow("empty") << "history" << QByteArray("\n") << owner << false << "is empty";
        QTest::newRow("only blank lines") << "worker" << QByteArray(" \n\t\n\n") << owner << false << "is empty";
        QTest::newRow("group-readable") << "serve" << url << int(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup) << false
                                        << "may be read by its group or by others (mode 0640)";
        QTest::newRow("world-readable") << "worker" << url << owner + int(QFile::ReadGroup | QFile::ReadOther) << false
                                        << "chmod 600";
        if (::geteuid() != 0) // root reads any file
            QTest::newRow("unreadable") << "history" << url << int(QFile::WriteOwner) << false << "cannot read the --db-file";
    }

    void databaseFileMistakesAreClearErrors()
    {
        QFETCH(QString, command);
        QFETCH(QByteArray, content);
        QFETCH(int, permissions);
        QFETCH(bool, alsoDb);
        QFETCH(QString, message);
        const QString file = m_dir.filePath(QStringLiteral("db-url-%1").arg(QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('-'))));
        if (!content.isEmpty())
            QVERIFY(!writeFile(file, content, QFile::Permissions(permissions)).isEmpty());
        QStringList args{command, QStringLiteral("--db-file"), file};
        if (alsoDb)
            args << QStringLiteral("--db") << QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("both.sqlite"));
        const Run r = runCli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
        QVERIFY(!r.err.contains("s3cr3t"));
    }

    void passwordOnTheCommandLineIsWarnedOnce()
    {
        Run r = runCli({QStringLiteral("history"), QStringLiteral("--db"), QStringLiteral("postgresql://u:secret@127.0.0.1:1/x")});
        QVERIFY(r.exitCode != 0); // nothing listens on port 1
        QVERIFY2(r.err.contains("--db puts the database password on the command line"), r.err.constData());
        QVERIFY(r.err.contains("--db-file"));
        QVERIFY(r.err.contains("LISTINGLENS_DB"));
        QCOMPARE(r.err.count("warning:"), 1);
        QVERIFY2(!r.err.contains("secret"), r.err.constData());
        // No password, or one from the environment: nothing to warn about.
        r = runCli({QStringLiteral("history"), QStringLiteral("--db"), QStringLiteral("postgresql://u@127.0.0.1:1/x")});
        QVERIFY(!r.err.contains("warning:"));
        qputenv("LISTINGLENS_DB", "postgresql://u:secret@127.0.0.1:1/x");
        r = runCli({QStringLiteral("history")});
        qunsetenv("LISTINGLENS_DB");
        QVERIFY(r.exitCode != 0);
        QVERIFY(!r.err.contains("warning:"));
        QVERIFY(!r.err.contains("secret"));
    }

    void packagingKeepsPasswordsOutOfArgv()
    {
        // The checks themselves catch what they are for.
        QVERIFY(!passwordExposure(QStringLiteral("ExecStart=/usr/bin/listinglens serve --db postgresql://a:b@h/d")).isEmpty());
        QVERIFY(!passwordExposure(QStringLiteral("ExecStart=/usr/bin/listinglens worker --db ${LISTINGLENS_DB}")).isEmpty());
        QVERIFY(!passwordExposure(QStringLiteral("[\"serve\", \"--db\", \"$(LISTINGLENS_DB)\"]")).isEmpty());
        QVERIFY(passwordExposure(QStringLiteral("ExecStart=/usr/bin/listinglens serve --db-file ${CREDENTIALS_DIRECTORY}/db")).isEmpty());
        QCOMPARE(kubernetesCommandLines(QStringLiteral("  args: [\"a\",\n    \"b\"]\n  command:\n    - x\n    - y\n  env: []")),
                 QStringList({QStringLiteral("[\"a\", \"b\"]"), QStringLiteral("- x - y")}));

        const QString packaging = QStringLiteral(LISTINGLENS_SOURCE_DIR "/packaging"); // the sources', not a build folder's
        QVERIFY2(QFileInfo(packaging + QStringLiteral("/systemd")).isDir(), qPrintable(packaging));
        const QDir systemd(packaging + QStringLiteral("/systemd"));
        const QStringList units = systemd.entryList({QStringLiteral("*.service")}, QDir::Files);
        QVERIFY(units.size() >= 2);
        for (const QString &name : units) {
            QFile f(systemd.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QString text = QString::fromUtf8(f.readAll());
            const QStringList commands = systemdCommandLines(text);
            QVERIFY2(!commands.isEmpty(), qPrintable(name));
            for (const QString &command : commands)
                QVERIFY2(passwordExposure(command).isEmpty(), qPrintable(name + QStringLiteral(": ") + passwordExposure(command) + QStringLiteral(" in ") + command));
            QVERIFY2(text.contains(QLatin1String("\nEnvironmentFile=")) || text.contains(QLatin1String("\nLoadCredential=")), qPrintable(name));
        }
        const QDir kubernetes(packaging + QStringLiteral("/kubernetes"));
        const QStringList manifests = kubernetes.entryList({QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files);
        QVERIFY(!manifests.isEmpty());
        int commandLines = 0;
        bool fromSecret = false;
        for (const QString &name : manifests) {
            QFile f(kubernetes.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QString text = QString::fromUtf8(f.readAll());
            for (const QString &command : kubernetesCommandLines(text)) {
                ++commandLines;
                QVERIFY2(passwordExposure(command).isEmpty(), qPrintable(name + QStringLiteral(": ") + passwordExposure(command) + QStringLiteral(" in ") + command));
            }
            fromSecret = fromSecret || text.contains(QRegularExpression(QStringLiteral("name: LISTINGLENS_DB\\s*\\n\\s*valueFrom: \\{?\\s*secretKeyRef")));
            // A password written anywhere in a manifest is a placeholder.
            for (auto it = kUrlWithPassword.globalMatch(text); it.hasNext();) {
                const QString password = it.next().captured(1);
                QVERIFY2(password == QLatin1String("CHANGE-ME") || password == QLatin1String("PASSWORD"), qPrintable(name));
            }
        }
        QVERIFY(commandLines >= 2);
        QVERIFY2(fromSecret, "LISTINGLENS_DB should come from a Secret (valueFrom.secretKeyRef)");
    }
};

QTEST_GUILESS_MAIN(TestCliDatabase)
#include "tst_cli_database.moc"
