namespace SaTools.Engine.Connection;

/// <summary>
/// Writes a file that holds a credential so that only its owner can read it, from its first byte: the file is
/// created with mode 0600 (FileStreamOptions.UnixCreateMode, applied by open(2) itself, so there is no moment when
/// another user could open it), as kubectl writes kubeconfig files (client-go tools/clientcmd/loader.go,
/// WriteToFile: os.WriteFile(filename, content, 0600)). Replacing an existing file goes through a new 0600 file
/// beside it that is then renamed over it, so the old file's mode is never inherited and a reader never sees half
/// a file. On Windows the file gets the directory's inherited ACL.
/// </summary>
public static class KubeconfigFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>. Without <paramref name="overwrite"/>
    /// an existing file is left alone and <see cref="IOException"/> is thrown (the check and the creation are one
    /// step: FileMode.CreateNew).</summary>
    public static void WriteOwnerOnly(string path, string content, bool overwrite)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(content);
        var full = Path.GetFullPath(path);
        if (!overwrite)
        {
            WriteNew(full, content);
            return;
        }
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            WriteNew(temporary, content);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static void WriteNew(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        writer.Write(content);
    }
}
