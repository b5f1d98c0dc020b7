"""A cache prefetch hint for kernels: ask the CPU to start loading a matrix row early.

word2vec's rows are scattered over tens of megabytes, so a random output row is often a cache
miss. Kernels that know the next rows they will touch (the next center word's context and
negatives are drawn one step ahead) hint them here and compute the current step while the
loads are in flight. A hint never changes a result: it is LLVM's `llvm.prefetch`, which the CPU
may ignore.
"""

from llvmlite import binding, ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

# LLVM 15+ has opaque pointers and names the intrinsic by address space only
_NAME = "llvm.prefetch.p0" if binding.llvm_version_info[0] >= 15 else "llvm.prefetch.p0i8"
_FLOATS_PER_LINE = 16  # 64-byte cache lines of float32


@intrinsic
def _prefetch(typingctx, matrix, row, col):
    """Prefetch &matrix[row, col] for reading and writing, into all cache levels."""
    if not (isinstance(matrix, types.Array) and matrix.ndim == 2):
        return None

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        array = context.make_array(array_type)(context, builder, args[0])
        indices = [context.cast(builder, value, kind, types.intp)
                   for value, kind in zip(args[1:], signature.args[1:])]
        _emit_prefetch(builder, cgutils.get_item_pointer(context, builder, array_type, array, indices))
        return context.get_dummy_value()

    return types.void(matrix, row, col), codegen


def _emit_prefetch(builder, pointer):
    """Call llvm.prefetch on `pointer`: rw = 1 (it will be written), locality = 3 (keep in all
    levels), data cache."""
    byte_pointer = ir.IntType(8).as_pointer()
    i32 = ir.IntType(32)
    function = cgutils.get_or_insert_function(
        builder.module, ir.FunctionType(ir.VoidType(), [byte_pointer, i32, i32, i32]), _NAME)
    builder.call(function, [builder.bitcast(pointer, byte_pointer), ir.Constant(i32, 1),
                            ir.Constant(i32, 3), ir.Constant(i32, 1)])


@njit(inline="always", nogil=True, cache=True)
def prefetch_row(matrix, row):
    """Hint every cache line of matrix[row] (C-contiguous float32)."""
    for col in range(0, matrix.shape[1], _FLOATS_PER_LINE):
        _prefetch(matrix, row, col)


@intrinsic
def prefetch_item(typingctx, array, index):
    """Hint &array[index] (a 1-D array) for reading and writing, into all cache levels: for
    hash tables, whose next probe is known a few steps before it is made."""
    if not (isinstance(array, types.Array) and array.ndim == 1):
        return None

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        view = context.make_array(array_type)(context, builder, args[0])
        position = context.cast(builder, args[1], signature.args[1], types.intp)
        _emit_prefetch(builder, cgutils.get_item_pointer(context, builder, array_type, view, [position]))
        return context.get_dummy_value()

    return types.void(array, index), codegen
