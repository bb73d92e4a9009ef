#include "console_worker.h"

#include "count_text.h"
#include "head_store.h"
#include "history_reads.h"
#include "sqlite_files.h"
#include "stats_reads.h"

#include <QDateTime>
#include <QSaveFile>

namespace listinglens::ui {

namespace {

// The whole photo scaled to fit `box`, its aspect kept (never cropped, never enlarged).
QImage fitted(const QByteArray &jpeg, QSize box)
{
    QImage image = QImage::fromData(jpeg, "JPG");
    if (image.isNull() || (image.width() <= box.width() && image.height() <= box.height()))
        return image;
    return image.scaled(box, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

} // namespace

void ConsoleWorker::fetchHistory(int request, const HistoryFilter &filter, std::optional<HistoryCursor> after, int limit)
{
    if (!m_store)
        return Q_EMIT failed(request, tr("no database"));
    auto rows = readHistory(*m_store, filter, after, limit);
    if (!rows)
        return Q_EMIT failed(request, rows.error().message);
    QList<qint64> ids;
    for (const HistoryRow &r : rows.value())
        ids << r.id;
    QList<HistoryRow> list(rows.value().begin(), rows.value().end());
    Q_EMIT historyPage(request, list, thumbnails(ids), int(list.size()) == limit);
}

QList<QImage> ConsoleWorker::thumbnails(const QList<qint64> &predictionIds)
{
    auto thumbs = readThumbnails(*m_store, predictionIds);
    QList<QImage> images;
    for (qint64 id : predictionIds) // decoded and scaled here, off the GUI thread
        images << fitted(thumbs ? thumbs.value().value(id) : QByteArray(), kThumbnail);
    return images;
}

void ConsoleWorker::fetchThumbnails(const QList<qint64> &predictionIds)
{
    if (m_store && !predictionIds.isEmpty())
        Q_EMIT thumbnailsReady(predictionIds, thumbnails(predictionIds));
}

void ConsoleWorker::countHistory(int request, const HistoryFilter &filter, qint64 cap)
{
    if (!m_store)
        return Q_EMIT failed(request, tr("no database"));
    auto n = listinglens::countHistory(*m_store, filter, cap);
    if (!n)
        return Q_EMIT failed(request, n.error().message);
    Q_EMIT historyCount(request, n.value(), cap);
}

void ConsoleWorker::fetchDetail(int request, qint64 predictionId)
{
    if (!m_store)
        return Q_EMIT failed(request, tr("no database"));
    auto d = readDetail(*m_store, predictionId);
    if (!d)
        return Q_EMIT failed(request, d.error().message);
    auto thumb = readThumbnails(*m_store, {predictionId});
    Q_EMIT detailReady(request, d.value(), fitted(thumb ? thumb.value().value(predictionId) : QByteArray(), kDetailPhoto));
}

void ConsoleWorker::fetchSeries(int request, qint64 sinceMs, qint64 untilMs)
{
    if (!m_store)
        return Q_EMIT failed(request, tr("no database"));
    auto first = readFirstTime(*m_store, sinceMs, untilMs);
    if (!first)
        return Q_EMIT failed(request, first.error().message);
    const SeriesPlan plan = planSeries(sinceMs, untilMs, first.value());
    auto s = readTimeSeries(*m_store, plan.fromMs, plan.toMs, plan.bucketMs);
    if (!s)
        return Q_EMIT failed(request, s.error().message);
    Q_EMIT seriesReady(request, plan, QList<TimeBucket>(s.value().begin(), s.value().end()));
    auto queue = readQueueActivity(*m_store, plan.fromMs, plan.toMs, plan.bucketMs);
    Q_EMIT queueReady(request, queue ? queue.value() : QueueActivity());
}

void ConsoleWorker::fetchQuality(int request, qint64 sinceMs, qint64 untilMs, const QString &modelVersion, bool includeImports)
{
    if (!m_store)
        return Q_EMIT failed(request, tr("no database"));
    auto q = readQuality(*m_store, sinceMs, untilMs, modelVersion, includeImports);
    if (!q)
        return Q_EMIT failed(request, q.error().message);
    Q_EMIT qualityReady(request, q.value());
    auto reliability = readReliability(*m_store, sinceMs, untilMs, modelVersion, 10, includeImports);
    if (!reliability)
        return Q_EMIT failed(request, reliability.error().message);
    Q_EMIT reliabilityReady(request, reliability.value());
    auto perHead = readHeadAccuracy(*m_store, sinceMs, untilMs, modelVersion, includeImports);
    if (!perHead)
        return Q_EMIT failed(request, perHead.error().message);
    Q_EMIT headAccuracyReady(request, QList<HeadAccuracy>(perHead.value().begin(), perHead.value().end()));
    const qint64 until = untilMs > 0 ? untilMs : QDateTime::currentMSecsSinceEpoch() + 1;
    auto first = readFirstTime(*m_store, sinceMs, until);
    if (!first)
        return Q_EMIT failed(request, first.error().message);
    const SeriesPlan plan = planDailySeries(sinceMs, until, first.value());
    auto rates = readFlagRates(*m_store, plan.fromMs, plan.toMs, plan.bucketMs, chartedFlags(), modelVersion);
    if (!rates)
        return Q_EMIT failed(request, rates.error().message);
    Q_EMIT flagRatesReady(request, plan, QList<FlagRateBucket>(rates.value().begin(), rates.value().end()));
}

void ConsoleWorker::fetchHeads(int request)
{
    if (!m_store)
        return Q_EMIT failed(request, tr("no database"));
    auto heads = listHeads(*m_store);
    if (!heads)
        return Q_EMIT failed(request, heads.error().message);
    auto canWrite = checkCanWriteHeads(*m_store);
    Q_EMIT headsReady(request, QList<HeadSummary>(heads.value().begin(), heads.value().end()),
                      canWrite ? QString() : canWrite.error().message);
}

void ConsoleWorker::activateHead(int request, qint64 version)
{
    if (!m_store)
        return Q_EMIT headChanged(request, false, tr("no database"));
    if (auto canWrite = checkCanWriteHeads(*m_store); !canWrite)
        return Q_EMIT headChanged(request, false, canWrite.error().message);
    if (auto done = listinglens::activateHead(*m_store, version, QStringLiteral("activate")); !done)
        return Q_EMIT headChanged(request, false, done.error().message);
    Q_EMIT headChanged(request, true, version > 0 ? tr("h%1 is now the active head").arg(version)
                                                  : tr("no head is active: suggestions use the built-in mapping"));
}

void ConsoleWorker::rollbackHead(int request)
{
    if (!m_store)
        return Q_EMIT headChanged(request, false, tr("no database"));
    if (auto canWrite = checkCanWriteHeads(*m_store); !canWrite)
        return Q_EMIT headChanged(request, false, canWrite.error().message);
    auto to = listinglens::rollbackHead(*m_store);
    if (!to)
        return Q_EMIT headChanged(request, false, to.error().message);
    Q_EMIT headChanged(request, true, to.value() > 0 ? tr("rolled back: h%1 is the active head").arg(to.value())
                                                     : tr("rolled back: no head is active; suggestions use the built-in mapping"));
}

void ConsoleWorker::exportCsv(int request, const HistoryFilter &filter, const QString &path)
{
    m_cancelExport = false;
    if (!m_store)
        return Q_EMIT exportFinished(request, false, tr("no database"));
    if (isOpenSqliteFile(path)) // replacing it would destroy the database (sqlite_files.h)
        return Q_EMIT exportFinished(request, false, tr("%1 is the open database; choose another file").arg(path));
    QSaveFile file(path); // written whole or not at all
    if (!file.open(QIODevice::WriteOnly))
        return Q_EMIT exportFinished(request, false, file.errorString());
    file.write(historyCsvHeader()); // the same columns as every history export (history_reads.h)
    std::optional<HistoryCursor> cursor;
    qint64 written = 0;
    while (true) {
        if (m_cancelExport) {
            file.cancelWriting();
            return Q_EMIT exportFinished(request, false, tr("cancelled; no file was written"));
        }
        auto rows = readHistory(*m_store, filter, cursor, 2000);
        if (!rows) {
            file.cancelWriting();
            return Q_EMIT exportFinished(request, false, rows.error().message);
        }
        for (const HistoryRow &r : rows.value())
            file.write(historyCsvLine(r));
        written += qint64(rows.value().size());
        Q_EMIT exportProgress(request, written);
        if (rows.value().size() < 2000)
            break;
        cursor = HistoryCursor{rows.value().back().createdMs, rows.value().back().id};
    }
    if (!file.commit())
        return Q_EMIT exportFinished(request, false, file.errorString());
    Q_EMIT exportFinished(request, true, tr("%1 written to %2").arg(countText(written, tr("row"), tr("rows")), path));
}

} // namespace listinglens::ui
