#pragma once

#include "classifier.h"
#include "pipeline.h"
#include "photo_source.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <opencv2/core/mat.hpp>

#include <functional>
#include <stop_token>
#include <vector>

namespace listinglens::test {

// Every file through the pipeline `classify` uses, results in input order; empty when any failed.
std::vector<PhotoResult> classifyFiles(Classifier &classifier, const QStringList &paths);

// A head that fits `classifier` and gives every category even odds (no word
// model, no photo text table: the caller adds what it tests).
CategoryHead evenHead(const Classifier &classifier);

QString sharedDir();       // ../shared (models/, testdata/)
QString samplePhotosDir(); // ../shared/testdata/photos
QString modelDir();        // ../shared/models
QString binaryPath();       // the built listinglens executable (desktop)
QString serverBinaryPath(); // the built listinglens-server executable
QString benchBinaryPath();  // the built listinglens-bench developer tool

// Encodes with OpenCV; ext is ".jpg", ".png", ".webp", ".bmp" or ".tiff".
QByteArray encode(const cv::Mat &image, const char *ext, const std::vector<int> &params = {});

// A CMYK JPEG (Adobe, inverted as Photoshop writes it) filled with one colour
// given in CMYK percentages.
QByteArray cmykJpeg(int width, int height, int c, int m, int y, int k);

// A PNG whose header declares width x height but that holds no pixel data.
QByteArray pngHeaderOnly(quint32 width, quint32 height);

// A 64x48 image whose four quadrants are red, green, blue and white
// (top-left, top-right, bottom-left, bottom-right).
cv::Mat quadrants(int width = 64, int height = 48);

bool writeFile(const QString &path, const QByteArray &bytes);

// A sample photo (toaster.jpg) with "Call 07911 123456" written across a
// white band at its foot, as sellers do; JPEG bytes (empty on failure).
QByteArray photoWithPhoneNumber();

// The throwaway PostgreSQL of scripts/with-postgres.sh, when the tests run under it.
QString postgresUrl(); // empty when there is none
// A new, empty database `name` on that server; its URL.
QString freshPostgresDatabase(const QString &name);
// Runs `statements` in order on the database at `url` (SQLite or PostgreSQL)
// on a connection of its own, outside any store; the first that fails, empty when all ran.
QString execSql(const QString &url, const QStringList &statements);
// The first column of the first row of `sql` on the PostgreSQL database at `url`; -1 on failure.
qint64 postgresScalar(const QString &url, const QString &sql);
// The "driver" column with one row per database (sqlite, postgresql), for
// initTestCase_data(): every test of a store runs on both, as Qt's own SQL tests do.
void driverRows();
// Whether the current row of driverRows() is PostgreSQL.
bool onPostgres();
// Whether CI is set (as CI systems set it, CI=true): there a missing PostgreSQL
// or browser fails a test instead of skipping it, so CI is never green without them.
bool onCi();
// Why the test PostgreSQL of scripts/with-postgres.sh is not there; empty when
// it is. With `control`, its data directory too (to stop and start it).
QString postgresMissing(bool control);

// For a test function that needs the test PostgreSQL: without it, it fails on
// CI and is skipped elsewhere. The _SERVER form also needs to stop and start it.
#define LISTINGLENS_REQUIRE_POSTGRES_IMPL(control)                                             \
    do {                                                                                       \
        const QString missing_ = ::listinglens::test::postgresMissing(control);               \
        if (!missing_.isEmpty()) {                                                             \
            if (::listinglens::test::onCi())                                                   \
                QFAIL(qPrintable(missing_ + QStringLiteral(" (CI is set: it must run here)"))); \
            QSKIP(qPrintable(missing_));                                                       \
        }                                                                                      \
    } while (false)
#define LISTINGLENS_REQUIRE_POSTGRES() LISTINGLENS_REQUIRE_POSTGRES_IMPL(false)
#define LISTINGLENS_REQUIRE_POSTGRES_SERVER() LISTINGLENS_REQUIRE_POSTGRES_IMPL(true)

// POSIX record locks this process holds on the file (from /proc/locks).
int posixLocksHeld(const QString &file);

// pg_ctl stop / start / restart on that server (as the postgres user when root); true on success.
bool postgresControl(const QString &action);

// One photo's suggestion through its route (prepared and inferred; not stored, not read by a lane).
Result<PhotoResult> classify(Classifier &classifier, const PhotoSource &source);
// Photos down a route with no lane and no record stage: each outcome, in input order.
void classifyAll(Classifier &classifier, PipelineOptions options, const std::vector<PhotoSource> &sources,
                 const std::function<void(int index, const Result<PhotoResult> &outcome)> &onResult, std::stop_token cancel = {});

} // namespace listinglens::test
