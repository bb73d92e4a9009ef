#include "fixtures.h"

#include "route.h"

#include <sys/stat.h>
#include <unistd.h>

#include "classifier.h"
#include "database_url.h"
#include "db_connections.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QTest>
#include <QtEndian>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdio>
#include <functional>
#include <vector>

#include <unistd.h>

#include <jpeglib.h>

namespace listinglens::test {

CategoryHead evenHead(const Classifier &classifier)
{
    CategoryHead h;
    h.modelName = classifier.manifest().name;
    h.modelVersion = classifier.manifest().version;
    h.taxonomyFingerprint = classifier.taxonomy().fingerprint();
    h.categoryIds = classifier.taxonomy().ids();
    h.dimension = classifier.engineInfo().embeddingDim;
    h.weight.assign(std::size_t(h.categories()) * std::size_t(h.dimension), 0.0f);
    h.bias.assign(std::size_t(h.categories()), 0.0f);
    return h;
}

std::vector<PhotoResult> classifyFiles(Classifier &classifier, const QStringList &paths)
{
    std::vector<PhotoSource> sources;
    for (const QString &p : paths)
        sources.push_back(PhotoSource::fromFile(p));
    std::vector<PhotoResult> results(std::size_t(paths.size()));
    int failed = 0;
    classifyAll(classifier, PipelineOptions{8, 0}, sources, [&](int i, const Result<PhotoResult> &r) {
        if (r)
            results[std::size_t(i)] = r.value();
        else
            ++failed;
    });
    return failed == 0 ? results : std::vector<PhotoResult>{};
}

QString sharedDir() { return QStringLiteral(LISTINGLENS_SHARED_DIR); }
QString samplePhotosDir() { return sharedDir() + QStringLiteral("/testdata/photos"); }
QString modelDir() { return sharedDir() + QStringLiteral("/models"); }
QString binaryPath() { return QStringLiteral(LISTINGLENS_BINARY); }
QString serverBinaryPath() { return QStringLiteral(LISTINGLENS_SERVER_BINARY); }
QString benchBinaryPath() { return QStringLiteral(LISTINGLENS_BENCH_BINARY); }

QByteArray encode(const cv::Mat &image, const char *ext, const std::vector<int> &params)
{
    std::vector<uchar> out;
    if (!cv::imencode(ext, image, out, params))
        return {};
    return QByteArray(reinterpret_cast<const char *>(out.data()), qsizetype(out.size()));
}

QByteArray cmykJpeg(int width, int height, int c, int m, int y, int k)
{
    jpeg_compress_struct cinfo;
    jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    unsigned char *buffer = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(&cinfo, &buffer, &size);
    cinfo.image_width = JDIMENSION(width);
    cinfo.image_height = JDIMENSION(height);
    cinfo.input_components = 4;
    cinfo.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 95, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    // Adobe CMYK JPEGs store inverted values (255 = no ink).
    auto ink = [](int percent) { return static_cast<unsigned char>(255 - percent * 255 / 100); };
    std::vector<unsigned char> row(std::size_t(width) * 4);
    for (int x = 0; x < width; ++x) {
        row[x * 4 + 0] = ink(c);
        row[x * 4 + 1] = ink(m);
        row[x * 4 + 2] = ink(y);
        row[x * 4 + 3] = ink(k);
    }
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW rows[] = {row.data()};
        jpeg_write_scanlines(&cinfo, rows, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    QByteArray out(reinterpret_cast<const char *>(buffer), qsizetype(size));
    std::free(buffer);
    return out;
}

void driverRows()
{
    QTest::addColumn<QString>("driver");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
}

bool onPostgres()
{
    QFETCH_GLOBAL(QString, driver);
    return driver == QLatin1String("postgresql");
}

bool onCi()
{
    const QString ci = qEnvironmentVariable("CI").trimmed().toLower();
    return !ci.isEmpty() && ci != QLatin1String("false") && ci != QLatin1String("0");
}

QString postgresMissing(bool control)
{
    if (postgresUrl().isEmpty())
        return QStringLiteral("no PostgreSQL: run through scripts/with-postgres.sh (scripts/test.sh does)");
    if (control && qEnvironmentVariable("LISTINGLENS_TEST_PG_DATA").isEmpty())
        return QStringLiteral("no PostgreSQL data directory to stop and start it: run through scripts/with-postgres.sh");
    return {};
}

int posixLocksHeld(const QString &file)
{
    struct stat st {};
    if (::stat(QFile::encodeName(file).constData(), &st) != 0)
        return -1;
    QFile locks(QStringLiteral("/proc/locks"));
    if (!locks.open(QIODevice::ReadOnly))
        return -1;
    // "1: POSIX  ADVISORY  READ 1234 08:01:5678 128 128": pid, then major:minor:inode.
    const QByteArray pid = QByteArray::number(qint64(::getpid()));
    const QByteArray inode = QByteArray::number(quint64(st.st_ino));
    int held = 0;
    for (const QByteArray &line : locks.readAll().split('\n')) {
        const QList<QByteArray> f = line.simplified().split(' ');
        if (f.size() >= 6 && f[1] == "POSIX" && f[4] == pid && f[5].split(':').value(2) == inode)
            ++held;
    }
    return held;
}

QByteArray pngHeaderOnly(quint32 width, quint32 height)
{
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    QByteArray ihdr("IHDR", 4);
    char dims[8];
    qToBigEndian(width, dims);
    qToBigEndian(height, dims + 4);
    ihdr.append(dims, 8);
    ihdr.append("\x08\x02\x00\x00\x00", 5); // 8-bit RGB
    char length[4];
    qToBigEndian(quint32(13), length);
    png.append(length, 4).append(ihdr);
    png.append("\0\0\0\0", 4); // CRC (not checked before the size refusal)
    return png;
}

cv::Mat quadrants(int width, int height)
{
    cv::Mat m(height, width, CV_8UC3);
    const int hw = width / 2, hh = height / 2;
    m(cv::Rect(0, 0, hw, hh)).setTo(cv::Scalar(0, 0, 255));              // red
    m(cv::Rect(hw, 0, width - hw, hh)).setTo(cv::Scalar(0, 255, 0));     // green
    m(cv::Rect(0, hh, hw, height - hh)).setTo(cv::Scalar(255, 0, 0));    // blue
    m(cv::Rect(hw, hh, width - hw, height - hh)).setTo(cv::Scalar(255, 255, 255)); // white
    return m;
}

QString postgresUrl()
{
    return qEnvironmentVariable("LISTINGLENS_TEST_PG_URL");
}

namespace {

// Runs `use` on a connection of its own to the PostgreSQL database at `url`,
// bypassing the store (for setting up and inspecting what the program wrote).
void withPostgres(const QString &url, const std::function<void(QSqlQuery &)> &use)
{
    const DatabaseUrl u = DatabaseUrl::parse(url).value();
    const QString name = QStringLiteral("fixtures-direct");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(u.host);
        db.setPort(u.port);
        db.setUserName(u.user);
        db.setPassword(u.password);
        db.setDatabaseName(u.database);
        // A server busy with other suites' connections may refuse one for a moment.
        for (int attempt = 0; !db.open() && attempt < 20; ++attempt) {
            qWarning("cannot connect to the test PostgreSQL (%s); trying again", qPrintable(db.lastError().text()));
            QThread::msleep(250);
        }
        if (db.isOpen()) {
            QSqlQuery q(db);
            use(q);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

} // namespace

QString freshPostgresDatabase(const QString &name)
{
    const QString base = postgresUrl();
    withPostgres(base, [&](QSqlQuery &q) {
        q.exec(QStringLiteral("DROP DATABASE IF EXISTS ") + name);
        q.exec(QStringLiteral("CREATE DATABASE ") + name);
    });
    QString url = base;
    return url.replace(QRegularExpression(QStringLiteral("/[^/]+$")), QLatin1Char('/') + name);
}

QString execSql(const QString &url, const QStringList &statements)
{
    const auto parsed = DatabaseUrl::parse(url);
    if (!parsed)
        return parsed.error().message;
    DbConnections connections(parsed.value()); // the store's own way to connect, closed when it goes
    auto db = connections.get();
    if (!db)
        return db.error().message;
    QSqlQuery q(db.value());
    for (const QString &s : statements) {
        if (!q.exec(s))
            return s + QStringLiteral(": ") + q.lastError().text();
    }
    return {};
}

qint64 postgresScalar(const QString &url, const QString &sql)
{
    qint64 value = -1;
    withPostgres(url, [&](QSqlQuery &q) {
        if (q.exec(sql) && q.next())
            value = q.value(0).toLongLong();
    });
    return value;
}

bool postgresControl(const QString &action)
{
    const QString data = qEnvironmentVariable("LISTINGLENS_TEST_PG_DATA"), bin = qEnvironmentVariable("LISTINGLENS_TEST_PG_BIN");
    QStringList args = {bin + QStringLiteral("/pg_ctl"), QStringLiteral("-D"), data, action, QStringLiteral("-m"),
                        QStringLiteral("fast"), QStringLiteral("-w")};
    if (action != QLatin1String("stop")) {
        // pg_ctl start does not reuse the options the server was started with (restart does).
        const DatabaseUrl u = DatabaseUrl::parse(postgresUrl()).value();
        args << QStringLiteral("-l") << data + QStringLiteral("/../server.log") << QStringLiteral("-o")
             << QStringLiteral("-c listen_addresses=127.0.0.1 -p %1 -k %2/.. -c fsync=off -c full_page_writes=off").arg(u.port).arg(data);
    }
    if (geteuid() == 0)
        return QProcess::execute(QStringLiteral("runuser"), QStringList{QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--")} + args) == 0;
    const QString program = args.takeFirst();
    return QProcess::execute(program, args) == 0;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray photoWithPhoneNumber()
{
    cv::Mat photo = cv::imread((samplePhotosDir() + QStringLiteral("/toaster.jpg")).toStdString());
    if (photo.empty())
        return {};
    const int h = photo.rows / 10;
    cv::rectangle(photo, cv::Rect(0, photo.rows - 2 * h, photo.cols, 2 * h), cv::Scalar(255, 255, 255), cv::FILLED);
    // As large as fits across the photo.
    const char *text = "Call 07911 123456";
    const double scale = 0.9 * photo.cols / cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, 1.0, 2, nullptr).width;
    cv::putText(photo, text, {photo.cols / 20, photo.rows - h / 2}, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(0, 0, 0), 2, cv::LINE_AA);
    std::vector<uchar> jpeg;
    if (!cv::imencode(".jpg", photo, jpeg, {cv::IMWRITE_JPEG_QUALITY, 92}))
        return {};
    return QByteArray(reinterpret_cast<const char *>(jpeg.data()), qsizetype(jpeg.size()));
}

Result<PhotoResult> classify(Classifier &classifier, const PhotoSource &source)
{
    return Route(classifier, {}).classifyOne(source);
}

void classifyAll(Classifier &classifier, PipelineOptions options, const std::vector<PhotoSource> &sources,
                 const std::function<void(int index, const Result<PhotoResult> &outcome)> &onResult, std::stop_token cancel)
{
    Route route(classifier, RouteOptions{options});
    route.setReports({{}, {}, [&](RoutedPhoto &photo) { onResult(photo.index, photo.outcome); }});
    route.run(sources, cancel);
}

} // namespace listinglens::test
