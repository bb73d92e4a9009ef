// Runs the real listinglens executable, as a user or a script would: its
// output formats, exit codes and errors, against SQLite and PostgreSQL.
// Past 500 lines because it is one test class of one thing, the command line;
// each test is one command's contract.
#include "api_keys.h"
#include "database_url.h"
#include "fixtures.h"
#include "image_loader.h"
#include "prediction_store.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QRegularExpression>

#include <unistd.h>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QDeadlineTimer>
#include <QProcess>
#include <QScopeGuard>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace listinglens;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runProgram(const QString &program, const QStringList &args, int timeoutMs = 120000)
{
    QProcess p;
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

Run runCli(const QStringList &args, int timeoutMs = 120000)
{
    return runProgram(test::binaryPath(), args, timeoutMs);
}

// The names a usage text lists under "Commands:".
QStringList listedCommands(const QByteArray &usage)
{
    static const QRegularExpression line(QStringLiteral(R"(^  ([a-z][a-z-]*)(\s|$))"));
    QStringList names;
    bool inCommands = false;
    for (const QString &l : QString::fromUtf8(usage).split(QLatin1Char('\n'))) {
        if (l == QLatin1String("Commands:"))
            inCommands = true;
        else if (inCommands && l.trimmed().isEmpty())
            break;
        else if (const auto m = line.match(l); inCommands && m.hasMatch())
            names << m.captured(1);
    }
    return names;
}

QSet<QString> keys(const QJsonObject &o)
{
    const QStringList k = o.keys();
    return QSet<QString>(k.begin(), k.end());
}

QSet<QString> set(std::initializer_list<const char *> names)
{
    QSet<QString> s;
    for (const char *n : names)
        s.insert(QString::fromLatin1(n));
    return s;
}

QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> lines;
    for (const QByteArray &line : out.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError e;
        const QJsonDocument d = QJsonDocument::fromJson(line, &e);
        if (!d.isObject())
            return {};
        lines << d.object();
    }
    return lines;
}

void verifySuccessSchema(const QJsonObject &o)
{
    QCOMPARE(keys(o), set({"file", "ok", "category", "categories", "labels", "price", "title", "title_basis", "title_evidence", "description",
                           "hints", "review", "quality", "timing_ms", "model", "text", "moderation"}));
    QVERIFY(o.value("hints").isArray());
    // What the moderation lane read (classify waits for it: never "pending").
    const QJsonObject text = o.value("text").toObject();
    QCOMPARE(keys(text), set({"lines", "contacts", "brands", "models", "stock_marks"}));
    for (const auto &line : text.value("lines").toArray()) {
        QCOMPARE(keys(line.toObject()), set({"text", "box", "confidence"}));
        QCOMPARE(keys(line.toObject().value("box").toObject()), set({"x", "y", "width", "height"}));
    }
    for (const auto &c : text.value("contacts").toArray())
        QCOMPARE(keys(c.toObject()), set({"kind", "value", "display", "box"}));
    const QJsonObject moderation = o.value("moderation").toObject();
    QCOMPARE(keys(moderation), set({"state", "flags", "faces"}));
    QVERIFY(moderation.value("state").toString() == QLatin1String("done") || moderation.value("state").toString() == QLatin1String("off"));
    for (const auto &flag : moderation.value("flags").toArray())
        QVERIFY(o.value("quality").toObject().value("flags").toArray().contains(flag));
    QCOMPARE(keys(o.value("review").toObject()), set({"needed", "reasons"}));
    QCOMPARE(o.value("review").toObject().value("needed").toBool(), !o.value("review").toObject().value("reasons").toArray().isEmpty());
    QCOMPARE(o.value("ok").toBool(), true);
    const auto category = set({"id", "name", "confidence"});
    QCOMPARE(keys(o.value("category").toObject()), category);
    const QJsonArray categories = o.value("categories").toArray();
    QCOMPARE(categories.size(), 3);
    for (const auto &c : categories)
        QCOMPARE(keys(c.toObject()), category);
    const QJsonArray labels = o.value("labels").toArray();
    QCOMPARE(labels.size(), 5);
    for (const auto &l : labels) {
        QCOMPARE(keys(l.toObject()), set({"index", "name", "probability"}));
        QVERIFY(l.toObject().value("index").isDouble());
    }
    const QJsonObject price = o.value("price").toObject();
    QCOMPARE(keys(price), set({"currency", "low", "point", "high", "basis", "neighbours"}));
    QVERIFY(price.value("low").toDouble() <= price.value("point").toDouble());
    QVERIFY(price.value("point").toDouble() <= price.value("high").toDouble());
    QCOMPARE(price.value("basis").toString(), QStringLiteral("prior"));
    QVERIFY(o.value("title").isString() && !o.value("title").toString().isEmpty());
    QVERIFY(o.value("description").isString());
    const QJsonObject quality = o.value("quality").toObject();
    QCOMPARE(keys(quality), set({"width", "height", "sharpness", "brightness", "phash", "flags"}));
    QCOMPARE(quality.value("phash").toString().size(), 16);
    QVERIFY(quality.value("flags").isArray());
    QCOMPARE(keys(o.value("timing_ms").toObject()), set({"decode", "preprocess", "inference", "total"}));
    QCOMPARE(keys(o.value("model").toObject()), set({"name", "version", "device", "head"}));
    QVERIFY(o.value("model").toObject().value("head").isNull()); // no head: the built-in mapping
    QCOMPARE(o.value("model").toObject().value("device").toString(), QStringLiteral("cpu"));
}

// A file of `text` with the given permissions (--db-file tests).
QString writeFile(const QString &path, const QByteArray &text, QFile::Permissions permissions)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(text) != text.size())
        return {};
    f.close();
    f.setPermissions(permissions);
    return path;
}

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

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void classifyJsonMatchesTheSchema()
    {
        const QString photos = test::samplePhotosDir();
        const QString bad = m_dir.filePath(QStringLiteral("notes.jpg"));
        QVERIFY(test::writeFile(bad, "shopping list: milk, eggs\n"));
        const QString missing = m_dir.filePath(QStringLiteral("gone.jpg"));
        const Run r = runCli({QStringLiteral("classify"), QStringLiteral("--json"), photos + "/laptop.jpg", bad,
                                   photos + "/toaster.jpg", missing, photos + "/tabby.jpg"});
        QCOMPARE(r.exitCode, 1); // some inputs failed, each still reported
        const auto lines = jsonLines(r.out);
        QCOMPARE(lines.size(), 5);
        verifySuccessSchema(lines[0]);
        verifySuccessSchema(lines[2]);
        verifySuccessSchema(lines[4]);
        QCOMPARE(lines[0].value("file").toString(), photos + "/laptop.jpg");
        QCOMPARE(lines[2].value("category").toObject().value("id").toString(), QStringLiteral("appliances"));
        for (int i : {1, 3}) {
            QCOMPARE(keys(lines[i]), set({"file", "ok", "error"}));
            QCOMPARE(lines[i].value("ok").toBool(), false);
            QCOMPARE(keys(lines[i].value("error").toObject()), set({"code", "message"}));
        }
        QCOMPARE(lines[1].value("error").toObject().value("code").toString(), QStringLiteral("unsupported_format"));
        QCOMPARE(lines[3].value("error").toObject().value("code").toString(), QStringLiteral("io_error"));
    }

    // A seller's number written on a photo: classify reports the number, its
    // box and the contact_details flag, and the listing needs review; with
    // --no-moderation nothing is read.
    void classifyReadsContactDetailsOnThePhoto()
    {
        const QByteArray photo = test::photoWithPhoneNumber();
        QVERIFY(!photo.isEmpty());
        const QString file = m_dir.filePath(QStringLiteral("toaster-with-number.jpg"));
        QVERIFY(test::writeFile(file, photo));
        const cv::Mat drawn = cv::imdecode(std::vector<uchar>(photo.begin(), photo.end()), cv::IMREAD_COLOR);
        const int height = drawn.rows, width = drawn.cols;

        const Run r = runCli({QStringLiteral("classify"), QStringLiteral("--json"), file});
        QCOMPARE(r.exitCode, 0);
        const auto lines = jsonLines(r.out);
        QCOMPARE(lines.size(), 1);
        verifySuccessSchema(lines[0]);
        const QJsonObject o = lines[0];
        QCOMPARE(o.value("moderation").toObject().value("state").toString(), QStringLiteral("done"));
        const QJsonArray contacts = o.value("text").toObject().value("contacts").toArray();
        QCOMPARE(contacts.size(), 1);
        QCOMPARE(contacts[0].toObject().value("kind").toString(), QStringLiteral("phone"));
        QCOMPARE(contacts[0].toObject().value("value").toString(), QStringLiteral("+447911123456"));
        const QJsonObject box = contacts[0].toObject().value("box").toObject();
        QVERIFY(box.value("y").toInt() > height / 2); // where it was drawn: the bottom band
        QVERIFY(box.value("x").toInt() >= 0 && box.value("x").toInt() + box.value("width").toInt() <= width);
        QVERIFY(o.value("quality").toObject().value("flags").toArray().contains(QStringLiteral("contact_details")));
        QVERIFY(o.value("review").toObject().value("reasons").toArray().contains(QStringLiteral("contact_details")));
        QVERIFY(o.value("review").toObject().value("needed").toBool());
        // The log line masks the number.
        QVERIFY(!r.err.contains("07911 123456") && !r.err.contains("+447911123456"));

        const Run off = runCli({QStringLiteral("classify"), QStringLiteral("--json"), QStringLiteral("--no-moderation"), file});
        QCOMPARE(off.exitCode, 0);
        const auto offLines = jsonLines(off.out);
        QCOMPARE(offLines.size(), 1);
        QCOMPARE(offLines[0].value("moderation").toObject().value("state").toString(), QStringLiteral("off"));
        QVERIFY(offLines[0].value("text").toObject().value("contacts").toArray().isEmpty());

        const Run badRegion = runCli({QStringLiteral("classify"), QStringLiteral("--phone-region"), QStringLiteral("XX"), file});
        QCOMPARE(badRegion.exitCode, 2);
        QVERIFY(badRegion.err.contains("phone-region"));
    }

    void classifyWalksFoldersAndExitsZero()
    {
        const Run r = runCli({QStringLiteral("classify"), QStringLiteral("--json"), QStringLiteral("--batch"),
                                   QStringLiteral("4"), QStringLiteral("--threads"), QStringLiteral("1"), test::samplePhotosDir()});
        QCOMPARE(r.exitCode, 0);
        const auto lines = jsonLines(r.out);
        QCOMPARE(lines.size(), 24);
        for (const auto &o : lines)
            QVERIFY(o.value("ok").toBool());
        QVERIFY(r.err.contains("24/24 photos")); // progress on stderr for more than a few files
    }

    void classifyTable()
    {
        const Run r = runCli({QStringLiteral("classify"), test::samplePhotosDir() + "/sports_car.jpg"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("CATEGORY"));
        QVERIFY(r.out.contains("sports_car.jpg"));
        QVERIFY(r.out.contains("Cars & vans"));
        QVERIFY(r.err.contains("1 photo: 1 ok, 0 failed"));
    }

    void usageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("no photos") << QStringList{"classify"} << "at least one photo";
        QTest::newRow("unknown option") << QStringList{"classify", "--frobnicate", "x.jpg"} << "frobnicate";
        QTest::newRow("batch 0") << QStringList{"classify", "--batch", "0", "x.jpg"} << "--batch";
        QTest::newRow("threads text") << QStringList{"classify", "--threads", "many", "x.jpg"} << "--threads";
        QTest::newRow("bad device") << QStringList{"classify", "--device", "tpu", "x.jpg"} << "unknown device";
        QTest::newRow("cuda without gpu") << QStringList{"classify", "--device", "cuda", "x.jpg"} << "CUDA";
        QTest::newRow("missing model dir") << QStringList{"classify", "--model-dir", "/nonexistent", "x.jpg"} << "model directory";
        QTest::newRow("unknown command") << QStringList{"frobnicate"} << "unknown command";
        QTest::newRow("bench count") << QStringList{"bench", "--count", "-3"} << "--count";
    }

    void usageErrorsExitTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        const Run r = runCli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(mentions), r.err.constData());
    }

    void helpAndVersion()
    {
        for (const char *command : {"classify", "bench"}) {
            const Run r = runCli({QString::fromLatin1(command), QStringLiteral("--help")});
            QCOMPARE(r.exitCode, 0);
            QVERIFY(r.out.contains("--model-dir"));
            QVERIFY(r.out.contains("--batch"));
        }
        Run r = runCli({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("classify"));
        r = runCli({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("Qt 6"));
        QVERIFY(r.out.contains("LibTorch 1.13"));
        QVERIFY(r.out.contains("OpenCV 4"));
        QVERIFY(r.out.contains("OpenBLAS core: ") || r.out.contains("BLAS: not OpenBLAS"));
    }

    // The product's executables list product commands only, and each runs;
    // the benchmarks, the soak test and the screenshots are listinglens-bench's.
    void helpListsProductCommandsOnly_data()
    {
        QTest::addColumn<QString>("program");
        QTest::addColumn<QStringList>("commands");
        const QStringList shared{"classify", "history", "stats", "import", "db", "model", "apikey", "bench"};
        QTest::newRow("listinglens") << test::binaryPath() << shared;
        QTest::newRow("listinglens-server") << test::serverBinaryPath() << QStringList{"serve", "worker"} + shared;
        QTest::newRow("listinglens-bench") << test::benchBinaryPath()
                                           << QStringList{"gui", "db", "train", "text", "brands", "titles", "http", "soak", "screenshots"};
    }
    void helpListsProductCommandsOnly()
    {
        QFETCH(QString, program);
        QFETCH(QStringList, commands);
        const Run help = runProgram(program, {QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QStringList listed = listedCommands(help.out);
        listed.sort();
        commands.sort();
        QCOMPARE(listed, commands);
        for (const QString &command : commands) {
            const Run r = runProgram(program, {command, QStringLiteral("--help")});
            QVERIFY2(r.exitCode == 0, qPrintable(command + QStringLiteral(": ") + QString::fromUtf8(r.err)));
            QVERIFY2(r.out.contains("Usage") || r.out.contains("usage"), qPrintable(command));
        }
        if (program == test::benchBinaryPath())
            return;
        for (const char *gone : {"bench-gui", "bench-db", "bench-train", "bench-text", "bench-brands", "bench-http", "soak", "screenshots"}) {
            const Run r = runProgram(program, {QString::fromLatin1(gone), QStringLiteral("--help")});
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains("unknown command"), r.err.constData());
        }
    }

    // OpenBLAS's generic kernels on a processor it does not know cost plain
    // TorchScript half its throughput: a command that runs the model that way
    // starts itself again, once, with the core that fits. A core the user
    // chose stands, a restarted process never restarts, and --version (like
    // the default oneDNN path, which does not need it) only says what would happen.
    void blasCoreIsCorrectedOnceAndTheUsersChoiceStands()
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("OPENBLAS_CORETYPE"));
        env.remove(QStringLiteral("LISTINGLENS_BLAS_RESTARTED"));
        auto version = [&](const QProcessEnvironment &e) { // what bench reports, having run the model
            p.setProcessEnvironment(e);
            p.start(test::binaryPath(), {QStringLiteral("bench"), QStringLiteral("--images"), test::samplePhotosDir(),
                                         QStringLiteral("--count"), QStringLiteral("1"), QStringLiteral("--single"),
                                         QStringLiteral("1"), QStringLiteral("--json"), QStringLiteral("--plain-torchscript")});
            p.waitForFinished(120'000);
            return QJsonDocument::fromJson(p.readAllStandardOutput()).object().value(QStringLiteral("blas")).toString();
        };
        const QString detected = version(env);
        if (detected.contains(QStringLiteral("BLAS: not OpenBLAS")))
            QSKIP("this LibTorch's BLAS is not OpenBLAS");
        QProcessEnvironment chosen = env;
        chosen.insert(QStringLiteral("OPENBLAS_CORETYPE"), QStringLiteral("Prescott"));
        QVERIFY2(version(chosen).contains(QStringLiteral("OpenBLAS core: Prescott (OPENBLAS_CORETYPE=Prescott)")), qPrintable(detected));
        if (!detected.contains(QStringLiteral("set by ListingLens")))
            return; // OpenBLAS knows this processor (or it has no better core): nothing to correct
        QVERIFY2(!detected.contains(QStringLiteral("Prescott")), qPrintable(detected)); // a core that fits this processor
        p.setProcessEnvironment(env);
        p.start(test::binaryPath(), {QStringLiteral("--version")});
        p.waitForFinished(60'000);
        QVERIFY(p.readAllStandardOutput().contains("--plain-torchscript starts again"));
        // A process that was started again already keeps what it has: no loop.
        QProcessEnvironment again = env;
        again.insert(QStringLiteral("LISTINGLENS_BLAS_RESTARTED"), QStringLiteral("1"));
        const QString kept = version(again);
        QVERIFY2(kept.contains(QStringLiteral("OpenBLAS core: ")) && !kept.contains(QStringLiteral("set by ListingLens")), qPrintable(kept));
    }

    void benchJson()
    {
        const Run r = runCli({QStringLiteral("bench"), QStringLiteral("--images"), test::samplePhotosDir(),
                                   QStringLiteral("--count"), QStringLiteral("12"), QStringLiteral("--single"),
                                   QStringLiteral("3"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const auto lines = jsonLines(r.out);
        QCOMPARE(lines.size(), 1);
        const QJsonObject o = lines[0];
        for (const char *k : {"photos_per_second", "latency_ms", "device", "blas", "threads", "batch", "stages_ms"})
            QVERIFY2(o.contains(QLatin1String(k)), k);
        QVERIFY(o.value("photos_per_second").toDouble() > 0);
        QCOMPARE(keys(o.value("latency_ms").toObject()), set({"p50", "p95", "p99"}));
        QCOMPARE(keys(o.value("stages_ms").toObject()), set({"decode", "preprocess", "inference", "total"}));
        QCOMPARE(o.value("count").toInt(), 12);
    }

    void storesHistoryAndStats_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }

    void storesHistoryAndStats()
    {
        QFETCH(QString, driver);
        QString url = m_dir.filePath(QStringLiteral("history.sqlite")).prepend(QStringLiteral("sqlite:"));
        if (driver == QLatin1String("postgresql")) {
            LISTINGLENS_REQUIRE_POSTGRES();
            url = test::freshPostgresDatabase(QStringLiteral("listinglens_cli"));
            // PostgreSQL schemas are created on request only.
            Run r = runCli({QStringLiteral("classify"), QStringLiteral("--db"), url, photo("toaster.jpg")});
            QCOMPARE(r.exitCode, 2);
            QVERIFY(r.err.contains("listinglens db migrate"));
            r = runCli({QStringLiteral("db"), QStringLiteral("migrate"), QStringLiteral("--db"), url});
            QCOMPARE(r.exitCode, 0);
            QVERIFY(r.out.contains(QStringLiteral("schema version %1").arg(PredictionStore::latestSchemaVersion()).toUtf8()));
        }
        const QString bad = m_dir.filePath(QStringLiteral("bad-%1.jpg").arg(driver));
        QVERIFY(test::writeFile(bad, "not a photo"));
        Run r = runCli({QStringLiteral("classify"), QStringLiteral("--db"), url, photo("toaster.jpg"), photo("sports_car.jpg"), bad});
        QCOMPARE(r.exitCode, 1); // the bad file failed, and was stored as a failure
        QVERIFY(r.err.contains("stored 3 of 3"));

        r = runCli({QStringLiteral("history"), QStringLiteral("--db"), url, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        auto lines = jsonLines(r.out);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0].value("ok").toBool(), false);
        QCOMPARE(lines[0].value("error").toString(), QStringLiteral("unsupported_format"));
        r = runCli({QStringLiteral("history"), QStringLiteral("--db"), url, QStringLiteral("--json"), QStringLiteral("--category"), QStringLiteral("cars")});
        lines = jsonLines(r.out);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines[0].value("suggested").toObject().value("title").toString(), QStringLiteral("Sports car"));
        // Each word's evidence read back as the first answer gave it, not the whole title.
        QCOMPARE(lines[0].value("suggested").toObject().value("title_basis").toString(), QStringLiteral("label"));
        const QJsonArray evidence = lines[0].value("suggested").toObject().value("title_evidence").toArray();
        QCOMPARE(evidence.size(), 2);
        QCOMPARE(evidence[0].toObject().value("word").toString(), QStringLiteral("sports"));
        QCOMPARE(evidence[1].toObject().value("from").toString(), QStringLiteral("label"));
        QVERIFY(!lines[0].contains("confirmed")); // no decision yet
        r = runCli({QStringLiteral("history"), QStringLiteral("--db"), url, QStringLiteral("--since"), QStringLiteral("2999-01-01")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.trimmed().isEmpty());
        r = runCli({QStringLiteral("history"), QStringLiteral("--db"), url, QStringLiteral("--since"), QStringLiteral("yesterday")});
        QCOMPARE(r.exitCode, 2);

        r = runCli({QStringLiteral("stats"), QStringLiteral("--db"), url, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject stats = jsonLines(r.out).value(0);
        for (const char *k : {"predictions", "per_minute", "latency_ms", "failures", "acceptance_rate"})
            QVERIFY2(stats.contains(QLatin1String(k)), k);
        QCOMPARE(stats.value("predictions").toInt(), 3);
        QCOMPARE(stats.value("failures").toInt(), 1);
    }

    void apiKeysAreShownOnceAndRevoked_data() { storesHistoryAndStats_data(); }

    void apiKeysAreShownOnceAndRevoked()
    {
        QFETCH(QString, driver);
        QString url = m_dir.filePath(QStringLiteral("keys.sqlite")).prepend(QStringLiteral("sqlite:"));
        if (driver == QLatin1String("postgresql")) {
            LISTINGLENS_REQUIRE_POSTGRES();
            url = test::freshPostgresDatabase(QStringLiteral("listinglens_cli_keys"));
            Run r = runCli({QStringLiteral("apikey"), QStringLiteral("list"), QStringLiteral("--db"), url});
            QCOMPARE(r.exitCode, 1); // like history: PostgreSQL schemas only on request
            QVERIFY(r.err.contains("listinglens db migrate"));
            QCOMPARE(runCli({QStringLiteral("db"), QStringLiteral("migrate"), QStringLiteral("--db"), url}).exitCode, 0);
        }
        const QRegularExpression keyPattern(QStringLiteral("llk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}"));
        Run r = runCli({QStringLiteral("apikey"), QStringLiteral("create"), QStringLiteral("--db"), url, QStringLiteral("--name"),
                        QStringLiteral("ci uploader"), QStringLiteral("--scope"), QStringLiteral("submit,read")});
        QCOMPARE(r.exitCode, 0);
        const QString created = QString::fromUtf8(r.out);
        const QString key = keyPattern.match(created).captured();
        QVERIFY2(!key.isEmpty(), r.out.constData());
        QVERIFY(created.contains(QStringLiteral("will not be shown again")));
        const QString prefix = key.mid(4, 8);

        r = runCli({QStringLiteral("apikey"), QStringLiteral("create"), QStringLiteral("--db"), url, QStringLiteral("--name"),
                    QStringLiteral("admin"), QStringLiteral("--scope"), QStringLiteral("admin"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject admin = jsonLines(r.out).value(0);
        QVERIFY(keyPattern.match(admin.value("key").toString()).hasMatch());
        QCOMPARE(admin.value("scopes").toArray(), QJsonArray{QStringLiteral("admin")});
        QVERIFY(r.err.contains("will not be shown again"));

        for (const QString &format : {QStringLiteral("--json"), QString()}) {
            QStringList args{QStringLiteral("apikey"), QStringLiteral("list"), QStringLiteral("--db"), url};
            if (!format.isEmpty())
                args << format;
            r = runCli(args);
            QCOMPARE(r.exitCode, 0);
            QVERIFY(r.out.contains(prefix.toUtf8()));
            QVERIFY(r.out.contains("ci uploader"));
            QVERIFY(!keyPattern.match(QString::fromUtf8(r.out)).hasMatch()); // no key, and no part of its secret
            QVERIFY(!r.out.contains(key.mid(13, 12).toUtf8()));
        }
        const auto listed = jsonLines(runCli({QStringLiteral("apikey"), QStringLiteral("list"), QStringLiteral("--db"), url,
                                              QStringLiteral("--json")}).out);
        QCOMPARE(listed.size(), 2);
        QCOMPARE(keys(listed[0]), set({"id", "name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"}));
        QVERIFY(listed[0].value("revoked_at").isNull());

        r = runCli({QStringLiteral("apikey"), QStringLiteral("revoke"), QStringLiteral("--db"), url, prefix});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("revoked"));
        const auto after = jsonLines(runCli({QStringLiteral("apikey"), QStringLiteral("list"), QStringLiteral("--db"), url,
                                             QStringLiteral("--json")}).out);
        QCOMPARE(after.size(), 2);
        QVERIFY(after[0].value("revoked_at").isString());
        QVERIFY(after[1].value("revoked_at").isNull());
        // The key is refused now (what serve will ask).
        auto store = PredictionStore::open(url);
        QVERIFY(store.ok());
        ApiKeys apiKeys(store.value());
        QCOMPARE(apiKeys.verify(key.toLatin1()).error().code, ErrorCode::Unauthorized);
        QVERIFY(apiKeys.verify(admin.value("key").toString().toLatin1()).ok());

        QCOMPARE(runCli({QStringLiteral("apikey"), QStringLiteral("revoke"), QStringLiteral("--db"), url, QStringLiteral("424242")}).exitCode, 1);
        for (const QStringList &usage : QList<QStringList>{{QStringLiteral("apikey")},
                                                           {QStringLiteral("apikey"), QStringLiteral("rotate")},
                                                           {QStringLiteral("apikey"), QStringLiteral("revoke")},
                                                           {QStringLiteral("apikey"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("x")},
                                                           {QStringLiteral("apikey"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("x"),
                                                            QStringLiteral("--scope"), QStringLiteral("write")}}) {
            r = runCli(usage + QStringList{QStringLiteral("--db"), url});
            QVERIFY2(r.exitCode == 2, qPrintable(usage.join(QLatin1Char(' '))));
        }
    }

    void importedListingsPriceLaterPhotos()
    {
        // Four photos of the same car (as a seller's catalogue would have), confirmed with prices.
        LoadLimits full;
        full.targetShortSide = 0;
        const cv::Mat car = ImageLoader(full).loadFile(photo("sports_car.jpg")).value().bgr;
        auto variant = [&](const QString &name, const cv::Mat &m) {
            QVERIFY(test::writeFile(m_dir.filePath(name), test::encode(m, ".jpg")));
        };
        cv::Mat flipped, smaller, brighter, cropped, blurred;
        cv::flip(car, flipped, 1);
        cv::resize(car, smaller, cv::Size(), 0.8, 0.8, cv::INTER_AREA);
        car.convertTo(brighter, -1, 1.1, 15);
        cropped = car(cv::Rect(10, 8, car.cols - 20, car.rows - 16)).clone();
        cv::GaussianBlur(car, blurred, cv::Size(3, 3), 0.8);
        variant(QStringLiteral("car-a.jpg"), car);
        variant(QStringLiteral("car-b.jpg"), flipped);
        variant(QStringLiteral("car-c.jpg"), smaller);
        variant(QStringLiteral("car-d.jpg"), brighter);
        variant(QStringLiteral("new-car.jpg"), blurred);
        const QString csv = m_dir.filePath(QStringLiteral("catalogue.csv"));
        QVERIFY(test::writeFile(csv, "photo,category,price,title,description\n"
                                     "car-a.jpg,cars,9000,\"Red coupe, 2001\",\"One owner.\nService history.\"\n"
                                     "car-b.jpg,cars,10000,Red coupe,\n"
                                     "car-c.jpg,cars,11000,,\n"
                                     "car-d.jpg,cars,12500,Red sports car,Low mileage\n"
                                     "missing.jpg,cars,5000,Ghost,\n"
                                     "car-a.jpg,spaceships,5000,Rocket,\n"
                                     "car-a.jpg,cars,cheap,Coupe,\n"));
        const QString url = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("catalogue.sqlite"));
        Run r = runCli({QStringLiteral("import"), QStringLiteral("--db"), url, csv});
        QCOMPARE(r.exitCode, 1); // three rows rejected, each named
        QVERIFY2(r.err.contains("imported 4 confirmed listings"), r.err.constData());
        // Line numbers are where each record starts in the file (the quoted description spans two lines).
        QVERIFY(r.err.contains("line 7: ") && r.err.contains("missing.jpg: file not found"));
        QVERIFY(r.err.contains("line 8: unknown category \"spaceships\""));
        QVERIFY(r.err.contains("line 9: \"cheap\" is not a price"));

        r = runCli({QStringLiteral("history"), QStringLiteral("--db"), url, QStringLiteral("--json"), QStringLiteral("--feedback"), QStringLiteral("corrected")});
        QCOMPARE(r.exitCode, 0);
        r = runCli({QStringLiteral("history"), QStringLiteral("--db"), url, QStringLiteral("--json")});
        QCOMPARE(jsonLines(r.out).size(), 4);

        // A new photo of the same car: priced from its confirmed neighbours, and flagged as a duplicate.
        r = runCli({QStringLiteral("classify"), QStringLiteral("--json"), QStringLiteral("--db"), url, m_dir.filePath(QStringLiteral("new-car.jpg"))});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = jsonLines(r.out).value(0);
        const QJsonObject price = o.value("price").toObject();
        QCOMPARE(price.value("basis").toString(), QStringLiteral("neighbours"));
        QCOMPARE(price.value("neighbours").toInt(), 4);
        QVERIFY(price.value("point").toDouble() >= 10000 && price.value("point").toDouble() <= 11000);
        QVERIFY(o.value("quality").toObject().value("flags").toArray().contains(QStringLiteral("duplicate")));
    }

    void importRefusesPricesInAnotherCurrencyUnlessConverted()
    {
        const QString csv = m_dir.filePath(QStringLiteral("currency.csv"));
        QFile::copy(photo("laptop.jpg"), m_dir.filePath(QStringLiteral("laptop.jpg"))); // beside the catalogue: photos stay in its folder
        QVERIFY(test::writeFile(csv, "photo,category,price\nlaptop.jpg,computers,100\n"));
        const QString url = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("currency.sqlite"));
        Run r = runCli({QStringLiteral("import"), QStringLiteral("--db"), url, QStringLiteral("--currency"), QStringLiteral("GBP"), csv});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // The same catalogue in euros: refused, nothing imported, until a rate converts it.
        r = runCli({QStringLiteral("import"), QStringLiteral("--db"), url, QStringLiteral("--currency"), QStringLiteral("EUR"), csv});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("prices are in GBP and this catalogue's in EUR"), r.err.constData());
        r = runCli({QStringLiteral("import"), QStringLiteral("--db"), url, QStringLiteral("--currency"), QStringLiteral("EUR"),
                    QStringLiteral("--rate"), QStringLiteral("0.85"), csv});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runCli({QStringLiteral("history"), QStringLiteral("--db"), url, QStringLiteral("--json")});
        QList<double> prices;
        for (const QJsonObject &row : jsonLines(r.out))
            prices << row.value("confirmed").toObject().value("price").toDouble();
        std::sort(prices.begin(), prices.end());
        QCOMPARE(prices, (QList<double>{85, 100}));
        r = runCli({QStringLiteral("import"), QStringLiteral("--db"), url, QStringLiteral("--currency"), QStringLiteral("GBP"),
                    QStringLiteral("--rate"), QStringLiteral("2"), csv});
        QCOMPARE(r.exitCode, 2); // nothing to convert
    }

    void importIsNoDecisionAndKeepsOneCurrency_data() { storesHistoryAndStats_data(); }

    // A catalogue in GBP on an empty database: its listings are imported
    // history, not moderators' decisions; every price stored after it, the
    // suggestions' included, is in GBP (none from the EUR sample prices); and
    // search finds a word that is only in a confirmed title.
    void importIsNoDecisionAndKeepsOneCurrency()
    {
        QFETCH(QString, driver);
        QString url = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("gbp.sqlite"));
        if (driver == QLatin1String("postgresql")) {
            LISTINGLENS_REQUIRE_POSTGRES();
            url = test::freshPostgresDatabase(QStringLiteral("listinglens_cli_gbp"));
            QCOMPARE(runCli({QStringLiteral("db"), QStringLiteral("migrate"), QStringLiteral("--db"), url}).exitCode, 0);
        }
        for (const char *name : {"toaster.jpg", "sports_car.jpg", "laptop.jpg"})
            QFile::copy(photo(name), m_dir.filePath(QStringLiteral("gbp-") + QLatin1String(name)));
        const QString csv = m_dir.filePath(QStringLiteral("gbp.csv"));
        QVERIFY(test::writeFile(csv, "photo,category,price,title\ngbp-toaster.jpg,appliances,10,Multi level desk\n"
                                     "gbp-sports_car.jpg,cars,9000,Red coupe\ngbp-laptop.jpg,computers,300,Dell laptop\n"));
        Run r = runCli({QStringLiteral("import"), QStringLiteral("--db"), url, QStringLiteral("--currency"), QStringLiteral("GBP"), csv});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runCli({QStringLiteral("stats"), QStringLiteral("--db"), url, QStringLiteral("--json")});
        QJsonObject stats = jsonLines(r.out).value(0);
        QCOMPARE(stats.value("accepted").toInt() + stats.value("corrected").toInt(), 0);
        QCOMPARE(stats.value("imported").toInt(), 3);
        QCOMPARE(stats.value("decisions_by").toString(), QStringLiteral("moderators"));
        r = runCli({QStringLiteral("stats"), QStringLiteral("--db"), url});
        QVERIFY2(r.out.contains("0 accepted, 0 corrected") && r.out.contains("3 listings from catalogues (not counted above"), r.out.constData());
        r = runCli({QStringLiteral("stats"), QStringLiteral("--db"), url, QStringLiteral("--json"), QStringLiteral("--include-imports")});
        stats = jsonLines(r.out).value(0);
        QCOMPARE(stats.value("accepted").toInt() + stats.value("corrected").toInt(), 3);

        r = runCli({QStringLiteral("classify"), QStringLiteral("--db"), url, QStringLiteral("--json"), photo("toaster.jpg")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runCli({QStringLiteral("history"), QStringLiteral("--db"), url, QStringLiteral("--json")});
        const QList<QJsonObject> rows = jsonLines(r.out);
        QCOMPARE(rows.size(), 4);
        for (const QJsonObject &row : rows) {
            const QJsonObject price = row.value("suggested").toObject().value("price").toObject();
            QCOMPARE(price.value("currency").toString(), QStringLiteral("GBP"));
            if (row.contains("confirmed")) {
                QCOMPARE(row.value("confirmed").toObject().value("currency").toString(), QStringLiteral("GBP"));
                QCOMPARE(row.value("confirmed").toObject().value("source").toString(), QStringLiteral("import"));
            }
        }
        r = runCli({QStringLiteral("history"), QStringLiteral("--db"), url, QStringLiteral("--json"), QStringLiteral("--search"), QStringLiteral("dell")});
        const QList<QJsonObject> found = jsonLines(r.out);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found[0].value("confirmed").toObject().value("title").toString(), QStringLiteral("Dell laptop"));
        QVERIFY(!found[0].value("suggested").toObject().value("title").toString().contains(QStringLiteral("Dell")));
        QCOMPARE(found[0].value("confirmed").toObject().value("price").toDouble(), 300.0);
        r = runCli({QStringLiteral("history"), QStringLiteral("--db"), url, QStringLiteral("--json"), QStringLiteral("--feedback"), QStringLiteral("imported")});
        QCOMPARE(jsonLines(r.out).size(), 3);
        r = runCli({QStringLiteral("history"), QStringLiteral("--db"), url, QStringLiteral("--json"), QStringLiteral("--feedback"), QStringLiteral("accepted")});
        QCOMPARE(jsonLines(r.out).size(), 0);
    }

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

private:
    static QString photo(const char *name) { return test::samplePhotosDir() + QLatin1Char('/') + QLatin1String(name); }

    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
