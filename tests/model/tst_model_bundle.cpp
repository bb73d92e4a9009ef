// Pointing the program at a model directory of one's own (docs/user/models.md).
#include "classifier.h"
#include "fixtures.h"
#include "phone_photos.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace listinglens;

namespace {

// A model directory holding links to the shared model files and the given manifest.
QString makeModelDir(const QTemporaryDir &root, const QString &name, const QByteArray &manifest)
{
    const QString dir = root.filePath(name);
    QDir().mkpath(dir);
    for (const QString &f : QDir(test::modelDir()).entryList(QDir::Files))
        QFile::link(test::modelDir() + QLatin1Char('/') + f, dir + QLatin1Char('/') + f);
    if (!manifest.isEmpty())
        test::writeFile(dir + QStringLiteral("/listinglens-model.json"), manifest);
    return dir;
}

QByteArray int8Manifest()
{
    QFile f(QStringLiteral(":/listinglens/models/mobilenet_v2_imagenet_int8.json"));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestModelBundle : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_root.isValid()); }

    void usesTheModelDirectorysOwnManifest()
    {
        const QByteArray manifest = int8Manifest();
        QVERIFY(!manifest.isEmpty());
        ClassifierOptions options;
        options.modelDir = makeModelDir(m_root, QStringLiteral("int8"), manifest);
        auto c = Classifier::create(options);
        QVERIFY2(c.ok(), qPrintable(c.ok() ? QString() : c.error().message));
        QCOMPARE(c.value()->manifest().name, QStringLiteral("mobilenet_v2_imagenet_int8"));
        QCOMPARE(c.value()->manifest().maxBatch, 1);

        // Batches are split into the model's batch size; no embedding output.
        std::vector<PhotoSource> sources;
        for (const char *f : {"sports_car.jpg", "toaster.jpg", "teddy.jpg"})
            sources.push_back(PhotoSource::fromFile(test::samplePhotosDir() + QLatin1Char('/') + QLatin1String(f)));
        QStringList categories;
        test::classifyAll(*c.value(), {8, 1}, sources, [&](int, const Result<PhotoResult> &r) {
            QVERIFY(r.ok());
            QVERIFY(r.value().embedding.empty());
            categories << r.value().category.id;
        });
        QCOMPARE(categories, (QStringList{QStringLiteral("cars"), QStringLiteral("appliances"), QStringLiteral("kids-toys")}));
    }

    void refusesBundlesThatDoNotAddUp_data()
    {
        QTest::addColumn<QByteArray>("manifest");
        QTest::addColumn<QString>("mentions");
        const QByteArray good = int8Manifest();
        QByteArray wrongSum = good;
        wrongSum.replace("2778381c5eb7639a", "0000000000000000");
        QTest::newRow("checksum mismatch") << wrongSum << "does not match";
        QByteArray missing = good;
        missing.replace("mobilenet_v2_imagenet_int8_b1.pt", "nothing_here.pt");
        QTest::newRow("model file missing") << missing << "model file not found";
        QTest::newRow("not json") << QByteArray("{\"name\": ") << "not valid JSON";
        QTest::newRow("no file") << QByteArray(R"({"name": "x", "version": "1", "labels": "imagenet_classes.txt"})") << "required";
        QByteArray badStd = good;
        badStd.replace("[0.229, 0.224, 0.225]", "[0.229, 0, 0.225]");
        QTest::newRow("zero std") << badStd << "positive";
        QByteArray wrongOutputs = good;
        wrongOutputs.replace("\"logits\": 0 }", "\"logits\": 0, \"embedding\": 1 }");
        QTest::newRow("embedding the model lacks") << wrongOutputs << "embedding";
    }

    void refusesBundlesThatDoNotAddUp()
    {
        QFETCH(QByteArray, manifest);
        QFETCH(QString, mentions);
        ClassifierOptions options;
        options.modelDir = makeModelDir(m_root, QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('_')), manifest);
        auto c = Classifier::create(options);
        QVERIFY(!c.ok());
        QCOMPARE(c.error().code, ErrorCode::ModelError);
        QVERIFY2(c.error().message.contains(mentions), qPrintable(c.error().message));
    }

    void refusesBadEngineOptions()
    {
        ClassifierOptions options;
        options.engine.threads = -1;
        auto c = Classifier::create(options);
        QVERIFY(!c.ok());
        QCOMPARE(c.error().code, ErrorCode::InvalidArgument);
        options.engine.threads = 1;
        options.engine.device = QStringLiteral("cuda:7");
        c = Classifier::create(options);
        QVERIFY(!c.ok());
        QCOMPARE(c.error().code, ErrorCode::InvalidArgument);
        options.engine.device = QStringLiteral("auto");
        options.taxonomyPath = m_root.filePath(QStringLiteral("no-such-taxonomy.json"));
        c = Classifier::create(options);
        QVERIFY(!c.ok());
        QCOMPARE(c.error().code, ErrorCode::IoError);
    }

private:
    QTemporaryDir m_root;
};

QTEST_GUILESS_MAIN(TestModelBundle)
#include "tst_model_bundle.moc"
