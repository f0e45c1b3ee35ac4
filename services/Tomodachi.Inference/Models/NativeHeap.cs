using System.Runtime.InteropServices;

namespace Tomodachi.Inference.Models;

/// <summary>
/// Gives memory freed by native code back to the operating system. llama.cpp allocates a model's weights with
/// malloc; glibc raises its mmap threshold each time a large block is freed, so the next model of similar size comes
/// from the heap, and freeing it there leaves the process's RSS where it was — an unload that frees nothing anyone
/// can see. malloc_trim returns the free pages of every arena.
/// </summary>
internal static class NativeHeap
{
    public static void ReturnFreedMemory()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            MallocTrim(0);
        }
        catch (EntryPointNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): nothing to do.
        }
    }

    // DllImport rather than LibraryImport: the signature is blittable, and the project needs no unsafe code for it.
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
