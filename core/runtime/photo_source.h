#pragma once

#include <QByteArray>
#include <QString>

#include <opencv2/core/mat.hpp>

namespace listinglens {

// A photo to send down the route: a file, bytes received from somewhere
// (HTTP), or an image already in memory (a pasted one: its pixels are used as
// they are, never encoded to be decoded again).
struct PhotoSource {
    QString name;          // shown in results ("file")
    QString path;          // read from disk when bytes and pixels are empty
    QByteArray bytes;
    cv::Mat pixels;        // 8-bit BGR, as displayed
    QString key;           // whose photo (an API key): the moderation lane takes keys in turn
    qint64 tag = 0;        // the caller's own name for it (a window's item id), carried to every report

    static PhotoSource fromFile(const QString &path) { return {path, path, {}, {}, {}, 0}; }
    static PhotoSource fromBytes(const QString &name, const QByteArray &bytes) { return {name, {}, bytes, {}, {}, 0}; }
    static PhotoSource fromPixels(const QString &name, const cv::Mat &bgr) { return {name, {}, {}, bgr, {}, 0}; }
};

} // namespace listinglens
