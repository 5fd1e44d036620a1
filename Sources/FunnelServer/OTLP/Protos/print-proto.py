#!/usr/bin/env python3
"""Writes the OTLP metrics .proto files from the descriptors the PyPI package opentelemetry-proto ships.

    python3 Sources/FunnelServer/OTLP/Protos/print-proto.py OUT_DIR

The package (Apache-2.0, github.com/open-telemetry/opentelemetry-python) carries each .proto file as a serialized
FileDescriptorProto in its *_pb2.py modules. This prints them back as proto3 text (declarations only: the comments
of the upstream files are not in the descriptors) and writes the descriptor set, for protoc --descriptor_set_in.
"""
import os
import sys

from google.protobuf import descriptor_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2

FieldType = descriptor_pb2.FieldDescriptorProto
SCALARS = {
    FieldType.TYPE_DOUBLE: "double", FieldType.TYPE_FLOAT: "float", FieldType.TYPE_INT64: "int64",
    FieldType.TYPE_UINT64: "uint64", FieldType.TYPE_INT32: "int32", FieldType.TYPE_FIXED64: "fixed64",
    FieldType.TYPE_FIXED32: "fixed32", FieldType.TYPE_BOOL: "bool", FieldType.TYPE_STRING: "string",
    FieldType.TYPE_BYTES: "bytes", FieldType.TYPE_UINT32: "uint32", FieldType.TYPE_SFIXED32: "sfixed32",
    FieldType.TYPE_SFIXED64: "sfixed64", FieldType.TYPE_SINT32: "sint32", FieldType.TYPE_SINT64: "sint64",
}


def files(descriptor, seen):
    for dependency in descriptor.dependencies:
        files(dependency, seen)
    if descriptor.name not in seen:
        proto = descriptor_pb2.FileDescriptorProto()
        descriptor.CopyToProto(proto)
        seen[descriptor.name] = proto
    return seen


def type_name(field, package):
    if field.type in SCALARS:
        return SCALARS[field.type]
    name = field.type_name.lstrip(".")
    return name[len(package) + 1:] if name.startswith(package + ".") else name


def field_line(field, package, indent):
    label = ""
    if field.label == FieldType.LABEL_REPEATED:
        label = "repeated "
    elif field.proto3_optional:
        label = "optional "
    options = " [deprecated = true]" if field.options.deprecated else ""
    return f"{indent}{label}{type_name(field, package)} {field.name} = {field.number}{options};"


def reserved(ranges, names, indent):
    lines = []
    parts = [str(r.start) if r.end == r.start + 1 else f"{r.start} to {r.end - 1}" for r in ranges]
    if parts:
        lines.append(f"{indent}reserved {', '.join(parts)};")
    if names:
        lines.append(f"{indent}reserved {', '.join(repr(n).replace(chr(39), chr(34)) for n in names)};")
    return lines


def enum(e, indent):
    lines = [f"{indent}enum {e.name} {{"]
    for value in e.value:
        lines.append(f"{indent}  {value.name} = {value.number};")
    lines += reserved(e.reserved_range, e.reserved_name, indent + "  ")
    return lines + [f"{indent}}}"]


def message(m, package, indent):
    lines = [f"{indent}message {m.name} {{"]
    inner = indent + "  "
    for nested in m.enum_type:
        lines += enum(nested, inner)
    for nested in m.nested_type:
        lines += message(nested, package, inner)
    real_oneofs = {i for i, _ in enumerate(m.oneof_decl)} - {f.oneof_index for f in m.field if f.proto3_optional}
    emitted = set()
    for field in m.field:
        if field.HasField("oneof_index") and field.oneof_index in real_oneofs:
            if field.oneof_index in emitted:
                continue
            emitted.add(field.oneof_index)
            lines.append(f"{inner}oneof {m.oneof_decl[field.oneof_index].name} {{")
            for member in m.field:
                if member.HasField("oneof_index") and member.oneof_index == field.oneof_index:
                    lines.append(field_line(member, package, inner + "  "))
            lines.append(f"{inner}}}")
        else:
            lines.append(field_line(field, package, inner))
    lines += reserved(m.reserved_range, m.reserved_name, inner)
    return lines + [f"{indent}}}"]


def file_text(proto):
    lines = [
        "// Declarations of the OpenTelemetry protocol (OTLP), Apache License 2.0, Copyright The OpenTelemetry Authors.",
        "// Printed by Sources/FunnelServer/OTLP/Protos/print-proto.py from the descriptors of the PyPI package opentelemetry-proto; see Sources/FunnelServer/OTLP/Protos/README.md.",
        "",
        'syntax = "proto3";',
        "",
        f"package {proto.package};",
        "",
    ]
    lines += [f'import "{dependency}";' for dependency in proto.dependency]
    if proto.dependency:
        lines.append("")
    o = proto.options
    if o.HasField("csharp_namespace"):
        lines.append(f'option csharp_namespace = "{o.csharp_namespace}";')
    if o.HasField("java_multiple_files"):
        lines.append(f"option java_multiple_files = {'true' if o.java_multiple_files else 'false'};")
    if o.HasField("java_package"):
        lines.append(f'option java_package = "{o.java_package}";')
    if o.HasField("java_outer_classname"):
        lines.append(f'option java_outer_classname = "{o.java_outer_classname}";')
    if o.HasField("go_package"):
        lines.append(f'option go_package = "{o.go_package}";')
    lines.append("")
    for service in proto.service:
        lines.append(f"service {service.name} {{")
        for method in service.method:
            lines.append(f"  rpc {method.name}({type_name_of(method.input_type, proto.package)}) returns ({type_name_of(method.output_type, proto.package)}) {{}}")
        lines += ["}", ""]
    for m in proto.message_type:
        lines += message(m, proto.package, "") + [""]
    for e in proto.enum_type:
        lines += enum(e, "") + [""]
    return "\n".join(lines).rstrip() + "\n"


def type_name_of(name, package):
    name = name.lstrip(".")
    return name[len(package) + 1:] if name.startswith(package + ".") else name


def main():
    out = sys.argv[1]
    protos = files(metrics_service_pb2.DESCRIPTOR, {})
    for name, proto in protos.items():
        path = os.path.join(out, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write(file_text(proto))


if __name__ == "__main__":
    main()
