#pragma once

// What the GUI tests share: settings kept apart from the user's, a window open
// on a database of the test's own, and ways to look at the window and what it
// stored.
#include "classifier.h"
#include "main_window.h"
#include "photo_list_model.h"

#include <QColor>
#include <QImage>
#include <QRect>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QVariant>

#include <memory>

class QWidget;

namespace listinglens::test {

// The user's settings stay out of it (QSettings and the standard paths of a test mode).
void isolateSettings(const QString &application);

// A window on `databaseUrl` (through $LISTINGLENS_DB), shown, active and
// with its model loaded; null when that does not happen within a minute.
std::unique_ptr<ui::MainWindow> openWindow(const QString &databaseUrl);

// A sample photo (../shared/testdata/photos) by file name.
QString photo(const char *name);

// A price as the result panel writes it.
QString money(const QString &currency, double v);

// The photos in the strip, by name, top to bottom.
QStringList namesInStrip(const ui::PhotoListModel *photos);

// Pixels of exactly that colour in the rectangle.
int pixelsOf(const QImage &image, const QRect &rect, const QColor &colour);

// Local files dropped on `target`, as a file manager drops them.
void drop(QWidget *target, const QStringList &files);

// The state of a test class that drives the window, beside its QObject: each
// test gets a window on a SQLite database of its own, named after the test.
// The class calls setUpWindowTests() in initTestCase(), openOwnWindow() in
// init() and closeWindow() in cleanup().
class WindowTest {
protected:
    void setUpWindowTests(const QString &application);
    bool openOwnWindow();
    void closeWindow() { m_window.reset(); }
    // The window reopened on a fresh database named `name`: a SQLite file of
    // the test's own or, with `postgres`, a PostgreSQL database (the caller
    // requires the server first). Its URL; empty when it does not open.
    QString reopenOnFreshDatabase(bool postgres, const QString &name);

    // A result as photoDone gives it with moderation still to come.
    static PhotoResult sampleMetaResult();
    // The same with what the moderation lane found on it: boxes as if the
    // photo were 1600 x 1200, scaled to its real size.
    static PhotoResult moderatedResult(PhotoResult r);

    // The window's database, read as it is now (the store thread writes it):
    // the first value `sql` gives with the prediction id bound.
    QVariant scalar(const QString &sql, qint64 predictionId);
    QString feedbackOf(qint64 predictionId);
    int undoneRows(qint64 predictionId);
    int allRows(qint64 predictionId);

    // The status bar's message whole: one longer than the bar's room is shown
    // cut, with the whole text in the bar's tooltip.
    QString statusMessage() const;

    // The same model as the window's, for what it should show; loaded on first use.
    const Classifier &classifier();

    QTemporaryDir m_dir;
    QString m_dbUrl;
    std::unique_ptr<ui::MainWindow> m_window;

private:
    std::unique_ptr<Classifier> m_classifier;
};

} // namespace listinglens::test
