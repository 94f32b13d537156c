using System.Numerics;
using System.Runtime.InteropServices;

namespace Vigil.Domain.Metrics.Ingest;

/// <summary>
/// An open-addressing hash table from raw key bytes (a series as written in the body) to an index, so a parser turns a
/// series it has seen before into its index without allocating: the labels are decoded, validated and sorted once per
/// distinct series, not once per line (Prometheus's scrape cache does the same).
/// </summary>
internal sealed class RawKeyTable
{
    private byte[] _arena = new byte[4096];
    private int _arenaLength;
    private Entry[] _entries = new Entry[256];
    private int _count;

    public int Count => _count;

    public bool TryGet(ReadOnlySpan<byte> key, out int value)
    {
        var hash = Hash(key);
        var mask = _entries.Length - 1;
        for (var i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            ref var entry = ref _entries[i];
            if (entry.Length == 0)
            {
                value = -1;
                return false;
            }

            if (entry.Hash == hash && entry.Length - 1 == key.Length && _arena.AsSpan(entry.Offset, key.Length).SequenceEqual(key))
            {
                value = entry.Value;
                return true;
            }
        }
    }

    public void Add(ReadOnlySpan<byte> key, int value)
    {
        if ((_count + 1) * 2 > _entries.Length)
        {
            Grow();
        }

        if (_arenaLength + key.Length > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaLength + key.Length));
        }

        key.CopyTo(_arena.AsSpan(_arenaLength));
        Insert(new Entry(Hash(key), _arenaLength, key.Length + 1, value));
        _arenaLength += key.Length;
        _count++;
    }

    public void Clear()
    {
        if (_count == 0)
        {
            return;
        }

        Array.Clear(_entries);
        _arenaLength = 0;
        _count = 0;
    }

    /// <summary>A fast 64-bit hash (8 bytes per step, multiply-rotate, avalanche at the end); not for untrusted adversarial keys beyond one request.</summary>
    public static ulong Hash(ReadOnlySpan<byte> key)
    {
        const ulong prime = 0x9E3779B97F4A7C15UL;
        var hash = 0xCBF29CE484222325UL ^ (ulong)key.Length;
        var longs = MemoryMarshal.Cast<byte, ulong>(key);
        foreach (var word in longs)
        {
            hash = BitOperations.RotateLeft((hash ^ word) * prime, 31);
        }

        var tail = key[(longs.Length * 8)..];
        ulong last = 0;
        for (var i = 0; i < tail.Length; i++)
        {
            last |= (ulong)tail[i] << (8 * i);
        }

        hash = (hash ^ last) * prime;
        hash ^= hash >> 29;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 32;
        return hash;
    }

    private void Grow()
    {
        var old = _entries;
        _entries = new Entry[old.Length * 2];
        foreach (var entry in old)
        {
            if (entry.Length != 0)
            {
                Insert(entry);
            }
        }
    }

    private void Insert(Entry entry)
    {
        var mask = _entries.Length - 1;
        var i = (int)entry.Hash & mask;
        while (_entries[i].Length != 0)
        {
            i = (i + 1) & mask;
        }

        _entries[i] = entry;
    }

    /// <summary>Length is the key length + 1 so that 0 marks an empty slot.</summary>
    private readonly record struct Entry(ulong Hash, int Offset, int Length, int Value);
}
