using Google.Protobuf;
using Onnx;

namespace Aisp.Tests;

/// <summary>
/// Builds stand-in ONNX models with the signatures of the user-supplied weights (inswapper_128,
/// w600k_r50), so every step of the swap data path is tested without the real files. Their maths
/// is simple on purpose: the tests compute the expected results independently.
/// </summary>
public static class StandInModels
{
    public const int Emap = 512;

    /// <summary>Deterministic emap values, also used by the tests to check the projection.</summary>
    public static float EmapValue(int row, int col) => MathF.Sin((row * 0.37f) + (col * 0.11f)) * 0.05f;

    /// <summary>Deterministic recogniser weights [3, 512].</summary>
    public static float RecognizerWeight(int channel, int j) => MathF.Cos((channel * 1.7f) + (j * 0.23f));

    /// <summary>inswapper stand-in: output = 1 - target; "source" is an input as in the real model; emap is the last initializer.</summary>
    /// <param name="rawEmap">Store the emap as raw_data (little-endian bytes), as real exported models do, instead of float_data.</param>
    public static byte[] Swapper(int size = 128, bool withEmap = true, int emapSize = Emap, bool rawEmap = false)
    {
        var graph = new GraphProto { Name = "inswapper-stand-in" };
        graph.Input.Add(Float("target", 1, 3, size, size));
        graph.Input.Add(Float("source", 1, 512));
        graph.Output.Add(Float("output", 1, 3, size, size));
        graph.Initializer.Add(Scalar("one", 1f));
        graph.Node.Add(Node("Sub", ["one", "target"], ["output"]));
        if (withEmap)
        {
            var emap = new TensorProto { Name = "emap", DataType = (int)TensorProto.Types.DataType.Float };
            emap.Dims.Add(emapSize);
            emap.Dims.Add(emapSize);
            var values = new float[emapSize * emapSize];
            for (int r = 0; r < emapSize; r++)
            {
                for (int c = 0; c < emapSize; c++)
                {
                    values[(r * emapSize) + c] = EmapValue(r, c);
                }
            }

            if (rawEmap)
            {
                emap.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else
            {
                emap.FloatData.AddRange(values);
            }

            graph.Initializer.Add(emap);
        }

        return Model(graph);
    }

    /// <summary>ArcFace stand-in: embedding = mean of each input channel times W [3, 512].</summary>
    public static byte[] Recognizer()
    {
        var graph = new GraphProto { Name = "arcface-stand-in" };
        graph.Input.Add(Float("input.1", 1, 3, 112, 112));
        graph.Output.Add(Float("683", 1, 512));
        var w = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float };
        w.Dims.Add(3);
        w.Dims.Add(512);
        for (int c = 0; c < 3; c++)
        {
            for (int j = 0; j < 512; j++)
            {
                w.FloatData.Add(RecognizerWeight(c, j));
            }
        }

        graph.Initializer.Add(w);
        graph.Node.Add(Node("GlobalAveragePool", ["input.1"], ["pooled"]));
        var flatten = Node("Flatten", ["pooled"], ["flat"]);
        flatten.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(flatten);
        graph.Node.Add(Node("MatMul", ["flat", "w"], ["683"]));
        return Model(graph);
    }

    /// <summary>Writes a stand-in into a fresh temporary folder and returns its path.</summary>
    public static string Write(string name, byte[] model)
    {
        string dir = Directory.CreateTempSubdirectory("aisp-standin-").FullName;
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, model);
        return path;
    }

    public static byte[] ModelOf(GraphProto graph) => Model(graph);

    public static NodeProto NodeOf(string op, string[] inputs, string[] outputs) => Node(op, inputs, outputs);

    public static ValueInfoProto FloatInfo(string name, params long[] dims) => Float(name, dims);

    private static byte[] Model(GraphProto graph)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "aisp-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model.ToByteArray();
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = op + "_" + outputs[0] };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }

    private static TensorProto Scalar(string name, float value)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.FloatData.Add(value);
        return t;
    }

    private static ValueInfoProto Float(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
