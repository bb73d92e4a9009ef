#include "file_dialogs.h"

#include <QFileDialog>
#include <QFileIconProvider>
#include <QMimeDatabase>

namespace listinglens::ui {

namespace {

class SuffixOnlyIconProvider : public QFileIconProvider {
public:
    QIcon icon(const QFileInfo &info) const override
    {
        if (info.isDir())
            return QFileIconProvider::icon(QFileIconProvider::Folder);
        const QMimeType mime = m_mime.mimeTypeForFile(info, QMimeDatabase::MatchExtension);
        return QIcon::fromTheme(mime.iconName(), QFileIconProvider::icon(QFileIconProvider::File));
    }
    QIcon icon(IconType type) const override { return QFileIconProvider::icon(type); }
    QString type(const QFileInfo &info) const override
    {
        if (info.isDir())
            return QFileIconProvider::type(info);
        return m_mime.mimeTypeForFile(info, QMimeDatabase::MatchExtension).comment();
    }

private:
    QMimeDatabase m_mime;
};

QFileIconProvider *safeIcons()
{
    static SuffixOnlyIconProvider provider;
    return &provider;
}

QStringList run(QFileDialog &dialog)
{
    dialog.setOption(QFileDialog::DontUseNativeDialog);
    dialog.setIconProvider(safeIcons());
    return dialog.exec() == QDialog::Accepted ? dialog.selectedFiles() : QStringList();
}

} // namespace

QStringList choosePhotoFiles(QWidget *parent)
{
    QFileDialog dialog(parent, QFileDialog::tr("Open photos"), QString(),
                       QFileDialog::tr("Photos (*.jpg *.jpeg *.png *.webp *.bmp *.tif *.tiff)"));
    dialog.setFileMode(QFileDialog::ExistingFiles);
    return run(dialog);
}

QString chooseFolder(QWidget *parent, const QString &title, const QString &start)
{
    QFileDialog dialog(parent, title, start);
    dialog.setFileMode(QFileDialog::Directory);
    dialog.setOption(QFileDialog::ShowDirsOnly);
    return run(dialog).value(0);
}

QString chooseSaveFile(QWidget *parent, const QString &title, const QString &suggested, const QString &filter)
{
    QFileDialog dialog(parent, title, suggested, filter);
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    return run(dialog).value(0);
}

} // namespace listinglens::ui
