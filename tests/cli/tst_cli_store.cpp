// Runs the real listinglens executable, as a user or a script would, against
// SQLite and PostgreSQL: stored history and stats, API keys, imported
// listings and their currency.
#include "api_keys.h"
#include "cli_run.h"
#include "fixtures.h"
#include "image_loader.h"
#include "prediction_store.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace listinglens;
using namespace listinglens::test;

class TestCliStore : public CliFixture {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

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

    void anEmptyDatabaseHasNoFigures_data() { storesHistoryAndStats_data(); }

    // No figure without data behind it: no latency, no acceptance rate (JSON null,
    // never 0), "no decisions yet"; history says on stderr that it has nothing.
    void anEmptyDatabaseHasNoFigures()
    {
        QFETCH(QString, driver);
        QString url = m_dir.filePath(QStringLiteral("empty.sqlite")).prepend(QStringLiteral("sqlite:"));
        if (driver == QLatin1String("postgresql")) {
            LISTINGLENS_REQUIRE_POSTGRES();
            url = test::freshPostgresDatabase(QStringLiteral("listinglens_cli_empty"));
        }
        QCOMPARE(runCli({QStringLiteral("db"), QStringLiteral("migrate"), QStringLiteral("--db"), url}).exitCode, 0);
        Run r = runCli({QStringLiteral("stats"), QStringLiteral("--db"), url, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject stats = jsonLines(r.out).value(0);
        QCOMPARE(stats.value("predictions").toInt(), 0);
        QVERIFY2(stats.contains("acceptance_rate") && stats.value("acceptance_rate").isNull(), r.out.constData());
        QVERIFY2(stats.contains("latency_ms") && stats.value("latency_ms").isNull(), r.out.constData());
        r = runCli({QStringLiteral("stats"), QStringLiteral("--db"), url});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("no decisions yet") && !r.out.contains("0.0 ms") && !r.out.contains("0.0 %"), r.out.constData());
        r = runCli({QStringLiteral("history"), QStringLiteral("--db"), url});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.trimmed().isEmpty());
        QVERIFY2(r.err.contains("No predictions to show"), r.err.constData());
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
        QVERIFY2(r.exitCode == 0 && !jsonLines(r.out).isEmpty(), (r.out + r.err).constData());
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

};

QTEST_GUILESS_MAIN(TestCliStore)
#include "tst_cli_store.moc"
