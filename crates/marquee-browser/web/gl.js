// The `gl` imports of web.wasm: the GPU backend's GL calls (glow's names, see marquee-gl's
// webgl.rs) on a WebGL context. WebGL objects live here, in a table by the small integers the
// module holds (0 is none); bytes and strings are read from and written into the module's memory.

/** A WebGL context on `canvas` (an HTMLCanvasElement or an OffscreenCanvas) as the backend draws. */
export function webglContext(canvas) {
  const gl = canvas.getContext('webgl', {
    alpha: false,
    antialias: false,
    depth: false,
    stencil: false,
    premultipliedAlpha: true,
    preserveDrawingBuffer: false,
  });
  if (!gl) throw new Error('this browser gives no WebGL context');
  return gl;
}

const TEXTURE = 1;
const BUFFER = 2;
const FRAMEBUFFER = 3;
const PROGRAM = 4;
const SHADER = 5;

/** The imports for a module whose memory `memory()` returns once it is instantiated. */
export function glImports(gl, memory) {
  const objects = [null];
  const free = [];
  const keep = (object) => {
    if (!object) return 0;
    const id = free.pop() ?? objects.length;
    objects[id] = object;
    return id;
  };
  const drop = (id) => {
    if (id > 0 && objects[id]) {
      objects[id] = null;
      free.push(id);
    }
  };
  const get = (id) => (id === 0 ? null : objects[id]);
  const bytes = (ptr, len) => new Uint8Array(memory().buffer, ptr >>> 0, len >>> 0);
  const utf8 = new TextDecoder();
  const text = (ptr, len) => utf8.decode(bytes(ptr, len));
  let pending = new Uint8Array(0);
  // By the kinds webgl.rs names.
  const create = {
    [TEXTURE]: () => gl.createTexture(),
    [BUFFER]: () => gl.createBuffer(),
    [FRAMEBUFFER]: () => gl.createFramebuffer(),
    [PROGRAM]: () => gl.createProgram(),
  };
  const destroy = {
    [TEXTURE]: (o) => gl.deleteTexture(o),
    [BUFFER]: (o) => gl.deleteBuffer(o),
    [FRAMEBUFFER]: (o) => gl.deleteFramebuffer(o),
    [PROGRAM]: (o) => gl.deleteProgram(o),
    [SHADER]: (o) => gl.deleteShader(o),
  };
  return {
    create: (kind, arg) => keep(kind === SHADER ? gl.createShader(arg) : create[kind]?.()),
    delete: (kind, id) => {
      const object = get(id);
      if (object && destroy[kind]) destroy[kind](object);
      drop(id);
    },
    bind_buffer: (target, id) => gl.bindBuffer(target, get(id)),
    buffer_data: (target, ptr, len, usage) => gl.bufferData(target, bytes(ptr, len), usage),
    enable_vertex_attrib_array: (index) => gl.enableVertexAttribArray(index),
    disable_vertex_attrib_array: (index) => gl.disableVertexAttribArray(index),
    vertex_attrib_pointer: (index, size, type, normalized, stride, offset) =>
      gl.vertexAttribPointer(index, size, type, normalized !== 0, stride, offset),
    enable: (cap) => gl.enable(cap),
    disable: (cap) => gl.disable(cap),
    blend_func: (src, dst) => gl.blendFunc(src, dst),
    get_parameter_i32: (name) => gl.getParameter(name) | 0,
    active_texture: (unit) => gl.activeTexture(unit),
    bind_texture: (target, id) => gl.bindTexture(target, get(id)),
    finish: () => gl.finish(),
    bind_framebuffer: (target, id) => gl.bindFramebuffer(target, get(id)),
    pixel_store_i32: (name, value) => gl.pixelStorei(name, value),
    read_pixels: (x, y, w, h, format, type, ptr, len) => gl.readPixels(x, y, w, h, format, type, bytes(ptr, len)),
    get_error: () => gl.getError(),
    framebuffer_texture_2d: (target, attachment, textarget, id, level) =>
      gl.framebufferTexture2D(target, attachment, textarget, get(id), level),
    check_framebuffer_status: (target) => gl.checkFramebufferStatus(target),
    tex_image_2d: (target, level, internal, w, h, border, format, type, ptr, len) =>
      gl.texImage2D(target, level, internal, w, h, border, format, type, ptr === 0 ? null : bytes(ptr, len)),
    tex_sub_image_2d: (target, level, x, y, w, h, format, type, ptr, len) =>
      gl.texSubImage2D(target, level, x, y, w, h, format, type, bytes(ptr, len)),
    tex_parameter_i32: (target, name, value) => gl.texParameteri(target, name, value),
    viewport: (x, y, w, h) => gl.viewport(x, y, w, h),
    scissor: (x, y, w, h) => gl.scissor(x, y, w, h),
    use_program: (id) => gl.useProgram(get(id)),
    uniform_1_i32: (location, x) => gl.uniform1i(get(location), x),
    uniform_1_f32: (location, x) => gl.uniform1f(get(location), x),
    uniform_4_f32: (location, x, y, z, w) => gl.uniform4f(get(location), x, y, z, w),
    clear_color: (r, g, b, a) => gl.clearColor(r, g, b, a),
    clear: (mask) => gl.clear(mask),
    draw_elements: (mode, count, type, offset) => gl.drawElements(mode, count, type, offset),
    shader_source: (id, ptr, len) => gl.shaderSource(get(id), text(ptr, len)),
    compile_shader: (id) => gl.compileShader(get(id)),
    attach_shader: (program, shader) => gl.attachShader(get(program), get(shader)),
    detach_shader: (program, shader) => gl.detachShader(get(program), get(shader)),
    link_program: (id) => gl.linkProgram(get(id)),
    bind_attrib_location: (program, index, ptr, len) => gl.bindAttribLocation(get(program), index, text(ptr, len)),
    // A uniform location is kept like an object; the module asks for each once.
    get_uniform_location: (program, ptr, len) => keep(gl.getUniformLocation(get(program), text(ptr, len))),
    status: (kind, id) =>
      kind === 1
        ? Number(gl.getShaderParameter(get(id), gl.COMPILE_STATUS) === true)
        : Number(gl.getProgramParameter(get(id), gl.LINK_STATUS) === true),
    string: (kind, arg) => {
      const s =
        kind === 1
          ? String(gl.getParameter(arg) ?? '')
          : kind === 2
            ? (gl.getShaderInfoLog(get(arg)) ?? '')
            : (gl.getProgramInfoLog(get(arg)) ?? '');
      pending = new TextEncoder().encode(s);
      return pending.length;
    },
    take_string: (ptr, len) => bytes(ptr, len).set(pending.subarray(0, len >>> 0)),
  };
}
