// A catalogue's rows before `listinglens import` stores anything: photo paths
// confined to the catalogue's folder (.., absolute paths and links refused
// alike, whether or not anything exists outside), finite bounded prices,
// bounded texts without control characters, each refusal naming its line.
#include "catalogue_row.h"
#include "fixtures.h"
#include "text_checks.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace listinglens;

class TestCatalogueRows : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        // root/catalogue/ holds the CSV's photos; root/outside/ is the rest of the machine.
        QVERIFY(QDir(m_root.path()).mkpath(QStringLiteral("catalogue/photos")) && QDir(m_root.path()).mkpath(QStringLiteral("outside")));
        const QByteArray jpeg = test::encode(test::quadrants(), ".jpg");
        QVERIFY(test::writeFile(folder() + QStringLiteral("/photos/a.jpg"), jpeg));
        QVERIFY(test::writeFile(outside() + QStringLiteral("/secret.jpg"), jpeg));
        QVERIFY(QFile::link(outside() + QStringLiteral("/secret.jpg"), folder() + QStringLiteral("/to-existing.jpg")));
        QVERIFY(QFile::link(outside() + QStringLiteral("/nothing.jpg"), folder() + QStringLiteral("/to-missing.jpg")));
        QVERIFY(QFile::link(outside(), folder() + QStringLiteral("/out")));
        QVERIFY(QFile::link(folder() + QStringLiteral("/photos/a.jpg"), folder() + QStringLiteral("/inside.jpg")));
    }

    void rows_data()
    {
        QTest::addColumn<QStringList>("fields");
        QTest::addColumn<bool>("allowOutside");
        QTest::addColumn<QString>("refusal"); // empty: accepted
        const QString leaves = QStringLiteral("leaves the catalogue's folder");
        const auto row = [](const QString &photo, const QString &price = QStringLiteral("120"), const QString &title = QStringLiteral("Red coupe"),
                            const QString &description = QString()) {
            return QStringList{photo, QStringLiteral("cars"), price, title, description};
        };
        QTest::newRow("a photo in the folder") << row(QStringLiteral("photos/a.jpg")) << false << QString();
        QTest::newRow("a photo not there (said later, inside)") << row(QStringLiteral("photos/b.jpg")) << false << QString();
        QTest::newRow("../ out") << row(QStringLiteral("../outside/secret.jpg")) << false << leaves;
        QTest::newRow("../ out, to nothing") << row(QStringLiteral("../outside/nothing.jpg")) << false << leaves;
        QTest::newRow("in and out again") << row(QStringLiteral("photos/../../outside/secret.jpg")) << false << leaves;
        QTest::newRow("absolute") << row(outside() + QStringLiteral("/secret.jpg")) << false << leaves;
        QTest::newRow("a link out, to a file") << row(QStringLiteral("to-existing.jpg")) << false << leaves;
        QTest::newRow("a link out, to nothing") << row(QStringLiteral("to-missing.jpg")) << false << leaves;
        QTest::newRow("through a linked folder, to nothing") << row(QStringLiteral("out/nothing.jpg")) << false << leaves;
        QTest::newRow("a link that stays inside") << row(QStringLiteral("inside.jpg")) << false << QString();
        QTest::newRow("absolute, allowed") << row(outside() + QStringLiteral("/secret.jpg")) << true << QString();
        QTest::newRow("../, allowed") << row(QStringLiteral("../outside/secret.jpg")) << true << QString();
        QTest::newRow("price 1.7e308") << row(QStringLiteral("photos/a.jpg"), QStringLiteral("1.7e308")) << false << QStringLiteral("is not a price");
        QTest::newRow("price inf") << row(QStringLiteral("photos/a.jpg"), QStringLiteral("inf")) << false << QStringLiteral("is not a price");
        QTest::newRow("price nan") << row(QStringLiteral("photos/a.jpg"), QStringLiteral("nan")) << false << QStringLiteral("is not a price");
        QTest::newRow("price -1") << row(QStringLiteral("photos/a.jpg"), QStringLiteral("-1")) << false << QStringLiteral("is not a price");
        QTest::newRow("price 1e9") << row(QStringLiteral("photos/a.jpg"), QStringLiteral("1e9")) << false << QString();
        QTest::newRow("title of 200") << row(QStringLiteral("photos/a.jpg"), QStringLiteral("1"), QString(200, QLatin1Char('t'))) << false << QString();
        QTest::newRow("title of 200,000") << row(QStringLiteral("photos/a.jpg"), QStringLiteral("1"), QString(200'000, QLatin1Char('t'))) << false
                                          << QStringLiteral("longer than 200");
        QTest::newRow("title with an escape") << row(QStringLiteral("photos/a.jpg"), QStringLiteral("1"), QStringLiteral("a\x1b[2Jb")) << false
                                              << QStringLiteral("control character");
        QTest::newRow("title with a line break") << row(QStringLiteral("photos/a.jpg"), QStringLiteral("1"), QStringLiteral("a\nb")) << false
                                                 << QStringLiteral("control character");
        QTest::newRow("description with line breaks") << row(QStringLiteral("photos/a.jpg"), QStringLiteral("1"), QStringLiteral("t"),
                                                             QStringLiteral("One owner.\nService history.")) << false << QString();
        QTest::newRow("description with a bell") << row(QStringLiteral("photos/a.jpg"), QStringLiteral("1"), QStringLiteral("t"), QStringLiteral("a\ab"))
                                                 << false << QStringLiteral("control character");
        QTest::newRow("description of 5,001") << row(QStringLiteral("photos/a.jpg"), QStringLiteral("1"), QStringLiteral("t"), QString(5001, QLatin1Char('d')))
                                              << false << QStringLiteral("longer than 5000");
        QTest::newRow("a lone surrogate") << row(QStringLiteral("photos/a.jpg"), QStringLiteral("1"), QStringLiteral("a") + QChar(0xD800)) << false
                                          << QStringLiteral("surrogate");
        QTest::newRow("unknown category, with an escape in it")
            << QStringList{QStringLiteral("photos/a.jpg"), QStringLiteral("\x1b]0;pwned\a"), QStringLiteral("1")} << false
            << QStringLiteral("unknown category");
        QTest::newRow("two fields") << QStringList{QStringLiteral("photos/a.jpg"), QStringLiteral("cars")} << false
                                    << QStringLiteral("needs at least photo, category and price");
    }
    void rows()
    {
        QFETCH(QStringList, fields);
        QFETCH(bool, allowOutside);
        QFETCH(QString, refusal);
        const CatalogueRules rules{QDir(folder()), allowOutside, [](const QString &id) { return id == QLatin1String("cars"); }};
        const auto row = checkCatalogueRow(7, fields, rules);
        if (refusal.isEmpty()) {
            QVERIFY2(row.ok(), qPrintable(row.ok() ? QString() : row.error().message));
            QCOMPARE(row.value().line, 7);
            QVERIFY(QFileInfo(row.value().photo).isAbsolute());
            return;
        }
        QVERIFY(!row.ok());
        QVERIFY2(row.error().message.startsWith(QLatin1String("line 7: ")), qPrintable(row.error().message));
        QVERIFY2(row.error().message.contains(refusal), qPrintable(row.error().message));
        for (const QChar c : row.error().message)
            QVERIFY2(c.category() != QChar::Other_Control, "a control character from the file in the message");
    }

    // A refusal reads the same whether or not the file outside exists.
    void refusalsDoNotTellWhetherAFileOutsideExists()
    {
        const CatalogueRules rules{QDir(folder()), false, [](const QString &) { return true; }};
        const auto message = [&](const QString &photo) {
            QString said = checkCatalogueRow(2, {photo, QStringLiteral("cars"), QStringLiteral("1")}, rules).error().message;
            return said.replace(photo, QStringLiteral("P"));
        };
        QCOMPARE(message(QStringLiteral("../outside/secret.jpg")), message(QStringLiteral("../outside/nothing.jpg")));
        QCOMPARE(message(QStringLiteral("to-existing.jpg")), message(QStringLiteral("to-missing.jpg")));
        QCOMPARE(message(QStringLiteral("out/secret.jpg")), message(QStringLiteral("out/nothing.jpg")));
    }

    // The import command itself: the row that leaves the folder is refused
    // with its line, the others are stored; --allow-outside takes it.
    void importRefusesPathsOutsideTheFolder()
    {
        const QString csv = folder() + QStringLiteral("/catalogue.csv");
        QVERIFY(test::writeFile(csv, "photo,category,price,title\nphotos/a.jpg,cars,9000,Red coupe\n../outside/secret.jpg,cars,5000,Secret\n"));
        const auto import = [&](const QStringList &extra, const QString &db) {
            QProcess p;
            p.start(test::binaryPath(), QStringList{QStringLiteral("import"), QStringLiteral("--db"), QStringLiteral("sqlite:") + db, csv} + extra);
            p.waitForFinished(180'000);
            return std::pair{p.exitCode(), QString::fromUtf8(p.readAllStandardError())};
        };
        const auto [confined, said] = import({}, m_root.filePath(QStringLiteral("a.sqlite")));
        QCOMPARE(confined, 1);
        QVERIFY2(said.contains(QLatin1String("line 3: the photo path \"../outside/secret.jpg\" leaves the catalogue's folder")), qPrintable(said));
        QVERIFY2(said.contains(QLatin1String("imported 1 confirmed listings")), qPrintable(said));
        const auto [allowed, saidAllowed] = import({QStringLiteral("--allow-outside")}, m_root.filePath(QStringLiteral("b.sqlite")));
        QCOMPARE(allowed, 0);
        QVERIFY2(saidAllowed.contains(QLatin1String("imported 2 confirmed listings")), qPrintable(saidAllowed));
    }

private:
    QString folder() const { return m_root.filePath(QStringLiteral("catalogue")); }
    QString outside() const { return m_root.filePath(QStringLiteral("outside")); }

    QTemporaryDir m_root;
};

QTEST_GUILESS_MAIN(TestCatalogueRows)
#include "tst_catalogue_rows.moc"
