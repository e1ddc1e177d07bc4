import { ApiObject, App, Chart, Lazy, Size, type IResolver, type ResolutionContext } from 'cdk8s';
import { IntOrString, Quantity } from 'cdk8s-plus-28/lib/imports/k8s';
import { resolveDefault, resolveWithCdk8s } from '../../charts/lib/resolve';

describe("the one-pass resolve in front of cdk8s's (charts/lib/resolve.ts)", () => {
  const app = new App();
  const obj = new ApiObject(new Chart(app, 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap' });
  const token = { resolve: () => ({ from: 'token', n: Lazy.any({ produce: () => 3 }) }) };
  const values: unknown[] = [
    null,
    undefined,
    'plain',
    0,
    -1.5,
    true,
    [],
    {},
    { a: 'x', b: [1, 'y', { c: false, d: null, e: undefined }], f: undefined },
    Lazy.any({ produce: () => ({ nested: Lazy.any({ produce: () => ['deep'] }) }) }),
    token,
    { port: IntOrString.fromNumber(8080), name: IntOrString.fromString('http'), cpu: Quantity.fromString('500m') },
    [IntOrString.fromNumber(1), { list: [Quantity.fromNumber(2)] }],
    Size.gibibytes(1),
    new Date(0),
    Object.assign(Object.create(null), { value: 'no prototype' }),
  ];

  it.each(values.map((v, i) => [i, v]))('resolves value %i exactly as cdk8s does', (_, value) => {
    expect(resolveDefault(value)).toStrictEqual(resolveWithCdk8s([], value, obj));
  });

  it('leaves ApiObject.toJson rendering tokens and union values as before', () => {
    const o = new ApiObject(new Chart(new App(), 'c'), 'o', { apiVersion: 'v1', kind: 'Service', spec: { port: IntOrString.fromNumber(80), l: token } });
    expect(o.toJson().spec).toEqual({ l: { from: 'token', n: 3 }, port: { value: 80 } });
  });

  it("leaves an app with resolvers of its own to cdk8s's walk", () => {
    const upper: IResolver = {
      resolve: (c: ResolutionContext) => typeof c.value === 'string' && c.value !== c.value.toUpperCase() && c.replaceValue(c.value.toUpperCase()),
    };
    const o = new ApiObject(new Chart(new App({ resolvers: [upper] }), 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { k: 'value' } });
    expect(o.toJson().data).toEqual({ k: 'VALUE' });
  });
});
