namespace Aisp.Core.Swap;

/// <summary>
/// Reads the last initializer of an ONNX graph straight from the protobuf bytes (ModelProto.graph
/// = field 7, GraphProto.initializer = field 5, TensorProto dims = 1, data_type = 2, float_data =
/// 4, name = 8, raw_data = 9). inswapper keeps its embedding map ("emap") there; ONNX Runtime's
/// API does not expose initializers, and a full protobuf stack would be overkill for one tensor.
/// </summary>
public static class OnnxInitializers
{
    public sealed record Tensor(string Name, long[] Dims, float[] Data);

    public static Tensor ReadLast(byte[] model)
    {
        ReadOnlySpan<byte> graph = default;
        var reader = new Reader(model);
        while (reader.Next(out int field, out int wire))
        {
            if (field == 7 && wire == 2)
            {
                graph = reader.Bytes();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        if (graph.IsEmpty)
        {
            throw new AispException(ErrorKind.Model, "the ONNX file has no graph");
        }

        ReadOnlySpan<byte> last = default;
        var g = new Reader(graph);
        while (g.Next(out int field, out int wire))
        {
            if (field == 5 && wire == 2)
            {
                last = g.Bytes();
            }
            else
            {
                g.Skip(wire);
            }
        }

        if (last.IsEmpty)
        {
            throw new AispException(ErrorKind.Model, "the ONNX graph has no initializers");
        }

        return ParseTensor(last);
    }

    private static Tensor ParseTensor(ReadOnlySpan<byte> bytes)
    {
        var dims = new List<long>();
        int dataType = 0;
        string name = "";
        float[]? data = null;
        var floats = new List<float>();
        var t = new Reader(bytes);
        while (t.Next(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == 0: dims.Add((long)t.Varint()); break;
                case 1 when wire == 2:
                    var packed = new Reader(t.Bytes());
                    while (!packed.End)
                    {
                        dims.Add((long)packed.Varint());
                    }

                    break;
                case 2 when wire == 0: dataType = (int)t.Varint(); break;
                case 8 when wire == 2: name = System.Text.Encoding.UTF8.GetString(t.Bytes()); break;
                case 9 when wire == 2:
                    ReadOnlySpan<byte> raw = t.Bytes();
                    data = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw).ToArray();
                    break;
                case 4 when wire == 2:
                    floats.AddRange(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.Bytes()).ToArray());
                    break;
                case 4 when wire == 5: floats.Add(t.Fixed32()); break;
                default: t.Skip(wire); break;
            }
        }

        if (dataType != 1)
        {
            throw new AispException(ErrorKind.Model, $"initializer '{name}' has ONNX data type {dataType}, expected float (1)");
        }

        data ??= [.. floats];
        long count = 1;
        foreach (long d in dims)
        {
            count *= d;
        }

        if (data.Length != count)
        {
            throw new AispException(ErrorKind.Model, $"initializer '{name}' holds {data.Length} values for shape [{string.Join(",", dims)}]");
        }

        return new Tensor(name, [.. dims], data);
    }

    /// <summary>Protobuf wire-format reader over a span.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public readonly bool End => _pos >= _data.Length;

        public bool Next(out int field, out int wire)
        {
            if (End)
            {
                (field, wire) = (0, 0);
                return false;
            }

            ulong key = Varint();
            (field, wire) = ((int)(key >> 3), (int)(key & 7));
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                Ensure(1);
                byte b = _data[_pos++];
                value |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw Corrupt();
        }

        public float Fixed32()
        {
            Ensure(4);
            float f = BitConverter.ToSingle(_data.Slice(_pos, 4));
            _pos += 4;
            return f;
        }

        public ReadOnlySpan<byte> Bytes()
        {
            ulong length = Varint();
            if (length > (ulong)(_data.Length - _pos))
            {
                throw Corrupt();
            }

            ReadOnlySpan<byte> slice = _data.Slice(_pos, (int)length);
            _pos += (int)length;
            return slice;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: Ensure(8); _pos += 8; break;
                case 2: Bytes(); break;
                case 5: Ensure(4); _pos += 4; break;
                default: throw Corrupt();
            }
        }

        private readonly void Ensure(int n)
        {
            if (_pos + n > _data.Length)
            {
                throw Corrupt();
            }
        }

        private static AispException Corrupt() => new(ErrorKind.Model, "the ONNX file is corrupt (bad protobuf)");
    }
}
