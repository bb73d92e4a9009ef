#pragma once

#include <QByteArray>
#include <QString>

namespace listinglens {

// Every environment variable the product reads, and the defaults behind them,
// in one place. Each function reads the environment when it is called, so a
// value set at run time (the screenshot driver, a test) is seen.

// $LISTINGLENS_MODEL_DIR, or empty.
QString modelDirFromEnvironment();
// The model directory when none is given: $LISTINGLENS_MODEL_DIR, else the
// ../shared/models folder configured at build time.
QString defaultModelDir();
// The sample photo folder: $LISTINGLENS_SAMPLES_DIR, else ../shared/testdata/photos.
QString defaultSamplesDir();
// The processor, as /proc/cpuinfo names it ("unknown" where it does not): printed beside every figure.
QString processorModel();
// $LISTINGLENS_DB, or empty. The URL used when no --db, --db-file or setting names one.
QString databaseUrlFromEnvironment();
// $LISTINGLENS_INFLUX_TOKEN, or empty: the token the Influx pusher sends.
QByteArray influxTokenFromEnvironment();
// $USER, or "moderator": who a decision in the window is recorded as.
QString moderatorFromEnvironment();
// $LISTINGLENS_NO_KEYRING set: keep the database password out of the session keyring (tests).
bool keyringDisabledByEnvironment();

// OPENBLAS_CORETYPE as the user (or an earlier start) set it, and whether
// ListingLens set it and started again (model/blas_core.h).
struct BlasCoreEnvironment {
    QString coreType;
    bool restarted = false;
};
BlasCoreEnvironment blasCoreEnvironment();
// Sets OPENBLAS_CORETYPE for this process and its exec, with the marker of a restart.
void setBlasCoreEnvironment(const QString &coreType);

} // namespace listinglens
