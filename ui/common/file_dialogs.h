#pragma once

#include <QString>
#include <QStringList>

class QWidget;

namespace listinglens::ui {

// The workbench's file dialogs. They are Qt's own dialog with an icon
// provider that names and draws files from their suffix alone: the default
// one reads the first bytes of every file it lists to guess its type, and
// when it listed the folder of the open SQLite database that read dropped
// SQLite's locks (see core/base/sqlite_files.h). A native dialog may run in this
// process and do the same, so none is used.
QStringList choosePhotoFiles(QWidget *parent);
QString chooseFolder(QWidget *parent, const QString &title, const QString &start = {});
QString chooseSaveFile(QWidget *parent, const QString &title, const QString &suggested, const QString &filter);

} // namespace listinglens::ui
