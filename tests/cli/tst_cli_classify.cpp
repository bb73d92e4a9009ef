// Runs the real listinglens executable, as a user or a script would: what
// classify prints (JSON lines, the table and its confidence rule, the contact
// details read on a photo), usage errors, help and version, the BLAS core and bench's JSON.
#include "cli_run.h"
#include "fixtures.h"
#include "percent_text.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QJsonArray>
#include <QJsonDocument>
#include <QFileInfo>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace listinglens;
using namespace listinglens::test;

namespace {

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

} // namespace

class TestCliClassify : public CliFixture {
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

    // The table's CONF is the confidence by the product's one rule (percent_text.h): what the
    // JSON says, in whole percent, never 100 % short of 1 (qRound once showed 0.996 as 100 %).
    void classifyTablePrintsConfidenceAsTheWorkbenchDoes()
    {
        const QString photos = test::samplePhotosDir();
        const Run json = runCli({QStringLiteral("classify"), QStringLiteral("--json"), QStringLiteral("--no-moderation"), photos});
        const Run table = runCli({QStringLiteral("classify"), QStringLiteral("--no-moderation"), photos});
        QCOMPARE(json.exitCode, 0);
        QCOMPARE(table.exitCode, 0);
        const QStringList rows = QString::fromUtf8(table.out).split(QLatin1Char('\n'));
        int compared = 0, shortOfCertain = 0;
        for (const QJsonObject &o : jsonLines(json.out)) {
            const QString name = QFileInfo(o.value("file").toString()).fileName();
            const double confidence = o.value("category").toObject().value("confidence").toDouble();
            const auto row = std::find_if(rows.begin(), rows.end(), [&](const QString &l) { return l.startsWith(name + QLatin1Char(' ')); });
            QVERIFY2(row != rows.end(), qPrintable(name));
            const QString shown = row->mid(28 + 1 + 24 + 1, 4).trimmed(); // FILE, CATEGORY, then CONF
            // The JSON rounds to 6 decimals: a confidence it writes as 1 may be just short of it.
            const QStringList allowed = confidence >= 1.0 ? QStringList{QStringLiteral("100%"), QStringLiteral("99%")}
                                                          : QStringList{confidencePercent(confidence, 0) + QLatin1Char('%')};
            QVERIFY2(allowed.contains(shown), qPrintable(QStringLiteral("%1: %2 for %3").arg(name, shown).arg(confidence, 0, 'g', 8)));
            shortOfCertain += confidence < 1.0 && confidence >= 0.995;
            ++compared;
        }
        QCOMPARE(compared, 24);
        qInfo("%d of %d sample photos have a confidence from 0.995 to just short of 1", shortOfCertain, compared);
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

    // listinglens-bench refuses before it reads a photo: a fold sweep scores
    // the measured part for each number of folds, so never the test split's.
    void benchUsageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("fold sweep on test") << QStringList{"cattext", "--split", "test", "--fold-sweep", "2,8"} << "--split tune";
        QTest::newRow("fold sweep past 20") << QStringList{"cattext", "--fold-sweep", "21"} << "2 to 20";
    }

    void benchUsageErrorsExitTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        const Run r = runProgram(test::benchBinaryPath(), args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(mentions), r.err.constData());
    }

    // `listinglens-bench faces --against FILE`: a file it cannot take as a
    // --list output is a usage error naming the problem (and its line), not
    // "0 of its 0 faces" found again.
    void benchFacesAgainstErrorsExitTwo_data()
    {
        QTest::addColumn<QByteArray>("list");
        QTest::addColumn<QString>("scale");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("json output") << QByteArray("{\"photos\":10,\"faces\":1}\n") << "1" << "no photo line";
        QTest::newRow("path list") << QByteArray("/photos/a.jpg\n/photos/b.jpg\n") << "1" << "no photo line";
        QTest::newRow("malformed box") << QByteArray("summary\na.jpg: 1,2 3x4; 5,6 7y8\n") << "1" << ":2: not a box";
        QTest::newRow("huge coordinate") << QByteArray("a.jpg: 1,2 3x4\nb.jpg: 999999999,2 3x4\n") << "1" << ":2: not a box";
        QTest::newRow("overflow once scaled") << QByteArray("a.jpg: 1,2 3000x4000\n") << "1000" << ":1: not a box";
        QTest::newRow("empty box") << QByteArray("a.jpg: 1,2 0x4\n") << "1" << ":1: not a box";
        QTest::newRow("scale inf") << QByteArray("a.jpg: 1,2 3x4\n") << "inf" << "--against-scale";
        QTest::newRow("scale 1e300") << QByteArray("a.jpg: 1,2 3x4\n") << "1e300" << "--against-scale";
        QTest::newRow("scale 0") << QByteArray("a.jpg: 1,2 3x4\n") << "0" << "--against-scale";
    }

    void benchFacesAgainstErrorsExitTwo()
    {
        QFETCH(QByteArray, list);
        QFETCH(QString, scale);
        QFETCH(QString, mentions);
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("faces.txt")));
        QVERIFY(file.open(QIODevice::WriteOnly) && file.write(list) == list.size());
        file.close();
        const Run r = runProgram(test::benchBinaryPath(), {QStringLiteral("faces"), QStringLiteral("--photos"), test::samplePhotosDir(),
                                                           QStringLiteral("--against"), file.fileName(), QStringLiteral("--against-scale"), scale});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(mentions), r.err.constData());
    }

    // Faces are found again one to one: a list with the face found on
    // laptop.jpg twice has one found again and one lost, and its photo that
    // is not among the photos is warned about.
    void benchFacesAgainstMatchesOneToOne()
    {
        QTemporaryDir dir;
        QVERIFY(QFile::copy(test::samplePhotosDir() + QStringLiteral("/laptop.jpg"), dir.filePath(QStringLiteral("laptop.jpg"))));
        const QStringList photos{QStringLiteral("faces"), QStringLiteral("--photos"), dir.path()};
        const Run listed = runProgram(test::benchBinaryPath(), photos + QStringList{QStringLiteral("--list")});
        QCOMPARE(listed.exitCode, 0);
        const QString line = QString::fromUtf8(listed.out).split(QLatin1Char('\n')).first();
        QVERIFY2(line.startsWith(QLatin1String("laptop.jpg: ")) && !line.contains(QLatin1Char(';')), qPrintable(line));
        const QString box = line.mid(12);
        QFile file(dir.filePath(QStringLiteral("faces.txt")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral("laptop.jpg: %1; %1\nelsewhere.jpg: 1,1 40x40\n").arg(box).toUtf8());
        file.close();
        const Run r = runProgram(test::benchBinaryPath(), photos + QStringList{QStringLiteral("--json"), QStringLiteral("--against"), file.fileName()});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject against = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("against")).toObject();
        QCOMPARE(against.value(QStringLiteral("kept")).toInt(), 1);
        QCOMPARE(against.value(QStringLiteral("lost")).toInt(), 1);
        QCOMPARE(against.value(QStringLiteral("new")).toInt(), 0);
        QCOMPARE(against.value(QStringLiteral("faces_in_list")).toInt(), 3);
        QCOMPARE(against.value(QStringLiteral("photos_not_here")).toInt(), 1);
        QVERIFY2(r.err.contains("1 photos of") && r.err.contains("not among the photos"), r.err.constData());
    }

    // A seed draws the listings of --learn-from: alone, or with 0 (all), it would be ignored without a word
    // (the run learning from all of them); refused before any photo is read.
    void benchTitlesRefusesASeedAlone()
    {
        const Run r = runProgram(test::benchBinaryPath(), {QStringLiteral("titles"), QStringLiteral("--seed"), QStringLiteral("3")}, 30000);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--learn-from"), r.err.constData());
        // --learn-from 0 learns from all: no draw for the seed either.
        const Run all = runProgram(test::benchBinaryPath(),
                                   {QStringLiteral("titles"), QStringLiteral("--learn-from"), QStringLiteral("0"), QStringLiteral("--seed"), QStringLiteral("3")}, 30000);
        QCOMPARE(all.exitCode, 2);
        QVERIFY2(all.err.contains("--learn-from"), all.err.constData());
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
                                           << QStringList{"gui", "db", "train", "text", "faces", "brands", "titles", "cattext", "http", "soak", "screenshots"};
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
        QVERIFY(o.value("moderation").toBool()); // the default path: each photo's text and faces read

        const Run alone = runCli({QStringLiteral("bench"), QStringLiteral("--images"), test::samplePhotosDir(), QStringLiteral("--count"),
                                  QStringLiteral("2"), QStringLiteral("--single"), QStringLiteral("1"), QStringLiteral("--json"),
                                  QStringLiteral("--no-moderation")});
        QCOMPARE(alone.exitCode, 0);
        QCOMPARE(jsonLines(alone.out).value(0).value("moderation"), QJsonValue(false));
    }

};

QTEST_GUILESS_MAIN(TestCliClassify)
#include "tst_cli_classify.moc"
